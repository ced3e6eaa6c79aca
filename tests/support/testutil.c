/* testutil.c — helpers shared by the test executables. */
#include "testutil.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

const char *tu_shared_dir(void)
{
    static char dir[4096];
    static int done;
    if (!done) {
        done = 1;
        const char *src = getenv("TAILOR_SRC");
        snprintf(dir, sizeof dir, "%s/../shared", src ? src : ".");
        struct stat st;
        if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
            dir[0] = '\0';
    }
    return dir[0] ? dir : NULL;
}

const char *tu_shared_path(const char *rel)
{
    static char path[4096];
    const char *dir = tu_shared_dir();
    if (!dir)
        return NULL;
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    return path;
}

char *tu_mkdtemp(void)
{
    char tmpl[] = "/tmp/tailor-test-XXXXXX";
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return strdup(d);
}

int tu_tmpdb_setup(void **state)
{
    tu_tmpdb *f = calloc(1, sizeof *f);
    f->dir = tu_mkdtemp();
    f->db = tu_join(f->dir, "s.db");
    *state = f;
    return 0;
}

int tu_tmpdb_teardown(void **state)
{
    tu_tmpdb *f = *state;
    if (!f)
        return 0;
    tu_rmtree(f->dir);
    free(f->dir);
    free(f->db);
    free(f);
    return 0;
}

void tu_rmtree(const char *path)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    int rc = system(cmd);
    (void)rc;
}

char *tu_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

void tu_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

char *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *p = malloc(cap);
    assert_non_null(p);
    size_t r;
    while ((r = fread(p + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (cap - n < 2) {
            cap *= 2;
            p = realloc(p, cap);
            assert_non_null(p);
        }
    }
    fclose(f);
    p[n] = '\0';
    if (len)
        *len = n;
    return p;
}

/* Reads all of fd into a malloc'd string. */
static char *slurp_fd(int fd)
{
    size_t cap = 4096, n = 0;
    char *p = malloc(cap);
    assert_non_null(p);
    ssize_t r;
    while ((r = read(fd, p + n, cap - n - 1)) > 0) {
        n += (size_t)r;
        if (cap - n < 2) {
            cap *= 2;
            p = realloc(p, cap);
            assert_non_null(p);
        }
    }
    p[n] = '\0';
    return p;
}

int tu_run_tailor(char **out, char **err, const char *stdin_text, ...)
{
    const char *bin = getenv("TAILOR_BIN");
    assert_non_null(bin);
    char *argv[64];
    int argc = 0;
    argv[argc++] = (char *)bin;
    va_list ap;
    va_start(ap, stdin_text);
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL && argc < 63)
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;

    char *dir = tu_mkdtemp();
    char *in_path = tu_join(dir, "in"), *out_path = tu_join(dir, "out"),
         *err_path = tu_join(dir, "err");
    tu_write_file(in_path, stdin_text ? stdin_text : "");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int i = open(in_path, O_RDONLY), o = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600),
            e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(i, 0);
        dup2(o, 1);
        dup2(e, 2);
        execv(bin, argv);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    int fd = open(out_path, O_RDONLY);
    char *o = slurp_fd(fd);
    close(fd);
    fd = open(err_path, O_RDONLY);
    char *e = slurp_fd(fd);
    close(fd);
    if (out)
        *out = o;
    else
        free(o);
    if (err)
        *err = e;
    else
        free(e);
    tu_rmtree(dir);
    free(in_path);
    free(out_path);
    free(err_path);
    free(dir);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void tu_import_generated(const char *dir, const char *db)
{
    char *p[6];
    const char *names[6] = {"customers.csv", "products.json", "reviews.csv",
                            "holdings.csv",  "monthly.csv",   "posts.csv"};
    for (int i = 0; i < 6; i++)
        p[i] = tu_join(dir, names[i]);
    char *err = NULL;
    int rc = tu_run_tailor(NULL, &err, NULL, "import", "--db", db, "--customers", p[0],
                           "--products", p[1], "--reviews", p[2], "--holdings", p[3],
                           "--monthly", p[4], "--posts", p[5], "--quiet", NULL);
    if (rc)
        fail_msg("import: %s", err ? err : "");
    free(err);
    for (int i = 0; i < 6; i++)
        free(p[i]);
}

int tu_generate_bank(const char *dir, const char *customers, const char *seed)
{
    char *err = NULL;
    int rc = tu_run_tailor(NULL, &err, NULL, "generate", "--out", dir, "--customers", customers,
                           "--months", "12", "--monthly-only", "--seed", seed, "--quiet", NULL);
    if (rc)
        fprintf(stderr, "generate: %s\n", err ? err : "");
    free(err);
    return rc ? -1 : 0;
}

void tu_sql(const char *db, const char *sql)
{
    sqlite3 *h = NULL;
    if (sqlite3_open(db, &h) != SQLITE_OK)
        fail_msg("open %s: %s", db, h ? sqlite3_errmsg(h) : "out of memory");
    char *msg = NULL;
    if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    sqlite3_close(h);
}

long long tu_sql_int(const char *db, const char *sql, const char *arg)
{
    sqlite3 *h;
    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(h));
    if (arg)
        sqlite3_bind_text(s, 1, arg, -1, SQLITE_TRANSIENT);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    long long v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(h);
    return v;
}

void tu_assert_file_unchanged(const char *path, char *before, size_t len)
{
    size_t now_len = 0;
    char *now = tu_read_file(path, &now_len);
    assert_non_null(before);
    assert_non_null(now);
    assert_int_equal(now_len, len);
    assert_memory_equal(now, before, len);
    free(now);
    free(before);
}
