/* test_csv.c — the streaming CSV reader: RFC 4180 quoting, line ends, BOM,
 * row numbers, caps, and reads that straddle the 1 MiB read buffer. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/csv.h"

/* Reads all records of `text` into one string: fields joined by '|',
 * records by '\n', each record prefixed with its row line "N:". Returns
 * the reader's final status (0 at a clean end). */
static int dump(const char *text, size_t len, const tl_csv_limits *lim, char *out, size_t size,
                tl_err *err)
{
    tl_csv c;
    int rc = tl_csv_open_mem(&c, "t.csv", text, len, lim, err);
    assert_int_equal(rc, 0);
    size_t k = 0;
    out[0] = '\0';
    while ((rc = tl_csv_next(&c, err)) == 1) {
        k += (size_t)snprintf(out + k, size - k, "%ld:", c.row_line);
        for (size_t i = 0; i < c.nfields; i++) {
            assert_int_equal(strlen(tl_csv_field(&c, i)), tl_csv_field_len(&c, i));
            k += (size_t)snprintf(out + k, size - k, "%s%s", i ? "|" : "", tl_csv_field(&c, i));
        }
        k += (size_t)snprintf(out + k, size - k, "\n");
        assert_true(k < size);
    }
    tl_csv_close(&c);
    return rc;
}

static void expect(const char *text, const char *want)
{
    char out[4096];
    tl_err err;
    tl_err_clear(&err);
    int rc = dump(text, strlen(text), NULL, out, sizeof out, &err);
    if (rc)
        fail_msg("unexpected error: %s", err.msg);
    assert_string_equal(out, want);
}

static void expect_error(const char *text, const tl_csv_limits *lim, const char *want_sub)
{
    char out[4096];
    tl_err err;
    tl_err_clear(&err);
    int rc = dump(text, strlen(text), lim, out, sizeof out, &err);
    assert_true(rc < 0);
    if (!strstr(err.msg, want_sub))
        fail_msg("error \"%s\" lacks \"%s\"", err.msg, want_sub);
}

static void test_plain(void **state)
{
    (void)state;
    expect("a,b,c\n1,2,3\n", "1:a|b|c\n2:1|2|3\n");
    expect("a,b\n1,2", "1:a|b\n2:1|2\n");                  /* no final line end */
    expect("a,b\n,\n", "1:a|b\n2:|\n");                     /* empty fields */
    expect("a,b\n1,\n", "1:a|b\n2:1|\n");                   /* trailing comma */
    expect("a,b\n1,", "1:a|b\n2:1|\n");                     /* …at the end of input */
    expect("", "");
    expect("x", "1:x\n");
}

static void test_line_ends(void **state)
{
    (void)state;
    expect("a,b\r\n1,2\r\n3,4\r\n", "1:a|b\n2:1|2\n3:3|4\n");
    expect("a,b\r1,2\r", "1:a|b\n2:1|2\n");                 /* old Mac */
    expect("a,b\n\n1,2\n\r\n\n3,4\n", "1:a|b\n3:1|2\n6:3|4\n"); /* blank lines skipped */
}

static void test_bom(void **state)
{
    (void)state;
    expect("\xEF\xBB\xBF" "id,name\nC1,Ann\n", "1:id|name\n2:C1|Ann\n");
    /* A BOM anywhere else is data. */
    expect("id\n\xEF\xBB\xBFx\n", "1:id\n2:\xEF\xBB\xBFx\n");
}

static void test_quoted(void **state)
{
    (void)state;
    expect("a,b\n\"x,y\",z\n", "1:a|b\n2:x,y|z\n");
    expect("a\n\"say \"\"hi\"\"\"\n", "1:a\n2:say \"hi\"\n");
    expect("a,b\n\"\",\"\"\n", "1:a|b\n2:|\n");
    /* Embedded line breaks: the next record's row is its physical line. */
    expect("a,b\n\"line1\nline2\nline3\",x\nnext,y\n",
           "1:a|b\n2:line1\nline2\nline3|x\n5:next|y\n");
    expect("a,b\r\n\"1\r\n2\",x\r\nz,w\r\n", "1:a|b\n2:1\r\n2|x\n4:z|w\n");
    /* A quote inside an unquoted field is data. */
    expect("a\n5\" screen\n", "1:a\n2:5\" screen\n");
    expect("a,b\n\"q\"\r\n", "1:a|b\n2:q\n");
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("a,b\n1,\"open\n2,3\n", NULL, "t.csv:row 2, column 2: quoted field opened on "
                                                "line 2 is not closed");
    expect_error("a,b\nx,\"q\"z\n", NULL, "t.csv:row 2, column 2: unexpected 'z' after a "
                                          "closing quote");
    static const char nul[] = "a,b\nx,y\0z\n";
    char out[256];
    tl_err err;
    tl_err_clear(&err);
    assert_true(dump(nul, sizeof nul - 1, NULL, out, sizeof out, &err) < 0);
    assert_non_null(strstr(err.msg, "t.csv:row 2, column 2: NUL byte"));

    tl_csv_limits lim = {.max_field = 8, .max_row = 20, .max_fields = 3};
    expect_error("a,b\n123456789,x\n", &lim, "t.csv:row 2, column 1: field longer than 8 bytes");
    expect_error("a,b\n\"12345\"\"6789\",x\n", &lim, "field longer than 8 bytes");
    expect_error("a,b\n1,2,3,4\n", &lim, "t.csv:row 2, column 4: more than 3 fields");
    expect_error("a,b\n1234567,1234567,1234567\n", &lim, "row longer than 20 bytes");
    /* Within the caps all is well. */
    char ok[256];
    tl_err_clear(&err);
    assert_int_equal(dump("12345678,b\n", 11, &lim, ok, sizeof ok, &err), 0);
}

/* A file bigger than the 1 MiB read buffer, with a CRLF, a quoted field
 * and a doubled quote straddling buffer boundaries: file and memory reads
 * must agree record for record, and row numbers must count lines. */
static void test_file_straddles_buffer(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char *path = tu_join(dir, "big.csv");
    size_t cap = (size_t)3 << 20, n = 0;
    char *text = malloc(cap + 1024);
    assert_non_null(text);
    n += (size_t)snprintf(text + n, cap - n, "id,note\r\n");
    long rows = 0;
    while (n < cap) {
        /* every 7th row has a quoted note with a comma, a quote and a line
         * break: the buffer edge lands inside some of them */
        if (rows % 7 == 3)
            n += (size_t)snprintf(text + n, cap + 1024 - n,
                                  "%ld,\"a, \"\"b\"\"\nc %ld\"\r\n", rows, rows);
        else
            n += (size_t)snprintf(text + n, cap + 1024 - n, "%ld,plain %ld\r\n", rows, rows);
        rows++;
    }
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, n, f), n);
    fclose(f);

    tl_csv a, b;
    tl_err err;
    tl_err_clear(&err);
    assert_int_equal(tl_csv_open(&a, path, NULL, &err), 0);
    assert_int_equal(tl_csv_open_mem(&b, path, text, n, NULL, &err), 0);
    long got = 0, line = 1;
    int ra, rb;
    while ((ra = tl_csv_next(&a, &err)) == 1) {
        rb = tl_csv_next(&b, &err);
        assert_int_equal(rb, 1);
        assert_int_equal(a.nfields, 2);
        assert_int_equal(b.nfields, 2);
        assert_string_equal(tl_csv_field(&a, 0), tl_csv_field(&b, 0));
        assert_string_equal(tl_csv_field(&a, 1), tl_csv_field(&b, 1));
        assert_int_equal(a.row_line, line);
        if (got > 0) {
            long id = got - 1;
            char want[64];
            if (id % 7 == 3)
                snprintf(want, sizeof want, "a, \"b\"\nc %ld", id);
            else
                snprintf(want, sizeof want, "plain %ld", id);
            assert_string_equal(tl_csv_field(&a, 1), want);
            line += id % 7 == 3 ? 2 : 1;
        } else {
            line++;
        }
        got++;
    }
    assert_int_equal(ra, 0);
    assert_int_equal(tl_csv_next(&b, &err), 0);
    assert_int_equal(got, rows + 1);
    assert_int_equal(tl_csv_offset(&a), n);
    tl_csv_close(&a);
    tl_csv_close(&b);

    /* CRLF split across the buffer edge: CR is byte 1 MiB - 1. */
    size_t edge = (size_t)1 << 20;
    memset(text, 'x', edge + 16);
    memcpy(text, "h\n", 2);
    text[edge - 1] = '\r';
    text[edge] = '\n';
    text[edge + 1] = 'y';
    text[edge + 2] = '\n';
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, edge + 3, f), edge + 3);
    fclose(f);
    assert_int_equal(tl_csv_open(&a, path, NULL, &err), 0);
    assert_int_equal(tl_csv_next(&a, &err), 1);
    assert_string_equal(tl_csv_field(&a, 0), "h");
    assert_int_equal(tl_csv_next(&a, &err), 1);
    assert_int_equal(tl_csv_field_len(&a, 0), edge - 3);
    assert_int_equal(tl_csv_next(&a, &err), 1);
    assert_string_equal(tl_csv_field(&a, 0), "y");
    assert_int_equal(a.row_line, 3);
    assert_int_equal(tl_csv_next(&a, &err), 0);
    tl_csv_close(&a);

    free(text);
    tu_rmtree(dir);
    free(path);
    free(dir);
}

/* Plain rows take a fast path (no quote, CR or NUL; LF inside the
 * window); rows beside them that need the full state machine, and rows at
 * a cap, read exactly as before. */
static void test_fast_and_general_rows(void **state)
{
    (void)state;
    expect("a,b\n1,2\n\"x,y\",3\n4,\n,5\n\n6,7\r\n8,9\n,\n10,\"\"\"q\"\"\"\n11,12",
           "1:a|b\n2:1|2\n3:x,y|3\n4:4|\n5:|5\n7:6|7\n8:8|9\n9:|\n10:10|\"q\"\n11:11|12\n");
    /* A quote inside an unquoted field is data on either path. */
    expect("a,b\nx\"y,2\n", "1:a|b\n2:x\"y|2\n");
    tl_csv_limits lim = {.max_field = 4, .max_row = 9, .max_fields = 3};
    expect_error("a,b\n12345,x\n", &lim, "t.csv:row 2, column 1: field longer than 4 bytes");
    expect_error("a,b\n1,2,3,4\n", &lim, "t.csv:row 2, column 4: more than 3 fields");
    expect_error("a,b\n1234,1234,12\n", &lim, "row longer than 9 bytes");
    char out[256];
    tl_err err;
    tl_err_clear(&err);
    /* Exactly at the caps: read. */
    assert_int_equal(dump("1234,1234,1\n", 12, &lim, out, sizeof out, &err), 0);
    assert_string_equal(out, "1:1234|1234|1\n");
}

static void test_open_missing(void **state)
{
    (void)state;
    tl_csv c;
    tl_err err;
    tl_err_clear(&err);
    assert_int_equal(tl_csv_open(&c, "/nonexistent/x.csv", NULL, &err), TL_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent/x.csv: cannot open"));
    tl_csv_close(&c);   /* harmless after a failed open */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_line_ends),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_quoted),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_file_straddles_buffer),
        cmocka_unit_test(test_fast_and_general_rows),
        cmocka_unit_test(test_open_missing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
