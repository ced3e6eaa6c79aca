/* lexicon.c — the banking lexicon of the built-in encoder: concepts a bank
 * customer's words point at, written for tailor.
 *
 * Each concept lists phrases (one or more words, matched after the same
 * case folding and suffix stripping texts get, so "retired", "retiring" and
 * "retire" are one entry) and WordNet anchors (nouns whose kinds evoke the
 * concept: "japan" is a kind of "country", so it evokes travel). A phrase
 * ending in '~' counts half: it points at the concept only loosely.
 *
 * Changing anything here changes vectors: bump tl_lexicon_version, which
 * goes into the encoder's id so that cached embeddings are recomputed. At
 * most TL_BUILTIN_CONCEPT_DIMS concepts. */
#include "encoder/builtin.h"

const char tl_lexicon_version[] = "lex-1";

const tl_lexicon_concept tl_lexicon_concepts[] = {
    {"travel",
     "travel|traveller|traveler|travelling|trip|journey|holiday|vacation|getaway|tour|tourist|"
     "tourism|sightseeing|backpacking|backpack|abroad~|overseas~|flight|fly~|airline|airfare|"
     "airport|plane ticket|boarding|jet lag|lounge~|air mile|frequent flyer|cruise|hotel|resort|"
     "hostel|passport|luggage|baggage|suitcase|itinerary|destination|honeymoon|road trip|"
     "gap year|explore the world|see the world|world tour|wanderlust|expedition|safari|"
     "trek|trekking|visit~|visiting~|sightsee|ski trip|skiing|beach~|sunny~|by the sea~|"
     "seaside~|camping~|road trip|weekend away|go away|going away|time off~|break away",
     "tourism|journey"},
    {"abroad",
     "abroad|overseas|foreign|foreign country|international|internationally|worldwide|"
     "world~|global~|countries|other countries|different countries|cross border|"
     "move abroad|moving abroad|relocate|relocating|emigrate|emigrating|expat|expatriate|"
     "immigrant|migrant|nri|asia|europe|africa|australia|south america|latin america|"
     "north america|middle east|caribbean|scandinavia|japan|china|thailand|vietnam|bali|"
     "indonesia|singapore|malaysia|korea|india|nepal|sri lanka|dubai|maldives|france|paris|"
     "italy|rome|spain|greece|portugal|london|iceland|new york|mexico|canada|brazil|peru|"
     "egypt|morocco|kenya|tokyo|bangkok|new zealand|hawaii|switzerland|alps|philippines|"
     "nigeria|pakistan|poland|germany|usa|uk~",
     "country|continent|island|city#1|national capital"},
    {"foreign_currency",
     "foreign currency|currency|exchange rate|forex|fx|conversion rate|convert money|"
     "currency conversion|multi currency|dollar~|euro|yen|pound sterling|rupee|dirham|"
     "international transfer|send money abroad|send money home|remittance|remit|"
     "money abroad|overseas account|foreign transaction|foreign transaction fee|"
     "exchange~|repatriation|paid in dollars|get paid in|other currencies|"
     "currencies|dollars~|euros|pounds~|work abroad",
     "monetary unit"},
    {"retirement",
     "retire|retirement|retiree|pension|pensioner|superannuation|annuity|401k|ira|"
     "golden year|nest egg|old age|later life|after work life|stop work|quit work|"
     "quit my job for good|leave the workforce|leave work for good|no longer work|"
     "stop earning|never work again|work past|work beyond|working past|working beyond|"
     "end of my career|end of career|career end|twilight year|long term saving~|"
     "long term future~|senior year~|grow old|growing old|get old|getting old|grey hair~",
     "retirement|pension|old age"},
    {"senior",
     "senior|senior citizen|elderly|older people|older person|old people|"
     "pensioner|grandparent|grandfather|grandmother|grandma|grandpa|grandchild|"
     "grandchildren|over sixty|over 60|above 60|60 plus|golden year|old age|retiree|"
     "sixties|seventies|eighties|nineties|in their 60s|in their 70s|in their 80s|"
     "aging parents|ageing parents|elderly parents",
     "old person|grandparent|oldster"},
    {"auto",
     "car|vehicle|auto|automobile|automotive|motor|motorcar|truck|pickup truck|suv|van|minivan|"
     "sedan|hatchback|coupe|convertible|motorbike|motorcycle|scooter|moped|electric vehicle|"
     "ev|tesla|toyota|honda|ford|bmw|dealership|car dealer|showroom|test drive|mechanic|"
     "garage~|engine|gearbox|transmission|tyre|tire|brake|clutch|radiator|exhaust|"
     "break down|broke down|breakdown|breaks down|keeps breaking|not start~|"
     "repair shop|tow truck|towing|drive|driving|driver|driver licence|"
     "driving licence|commute~|road~|mileage~|petrol~|fuel~|parking~|second hand car|"
     "used car|new car|upgrade my car|wheel|banger|mot|roadworthy|inspection~|service~",
     "motor vehicle|car#1|wheeled vehicle#1|self-propelled vehicle"},
    {"home",
     "home|house|housing|homeowner|home owner|home buyer|homebuyer|first home|first house|"
     "dream home|mortgage|remortgage|apartment|flat~|condo|condominium|townhouse|villa|"
     "bungalow|cottage|real estate|property|down payment|deposit for a house|"
     "move in|moving house|move house|buy a place|own place|place of our own|"
     "place of my own|our own place|settle down|landlord|rent|renting|tenant|roof over|"
     "neighbourhood~|neighborhood~|bedroom|garden~|build a house|construction~|"
     "plot of land|land~",
     "dwelling|housing#1|residence#1|real estate"},
    {"renovation",
     "renovate|renovation|renovating|remodel|refurbish|refurbishment|redo|redoing|"
     "redecorate|do up|fix up|home improvement|improvement~|extension|loft conversion|"
     "conservatory|kitchen|bathroom|roof|boiler|heating|insulation|damp|plumbing|"
     "repair~|repairs~|solar panel|double glazing|new windows|rewire|builder~",
     "room#1|heating system"},
    {"education",
     "education|educational|school|schooling|college|university|uni|campus|tuition|"
     "tuition fee|school fee|student|studying|study|studies|degree|bachelor|master|"
     "masters|mba|phd|doctorate|diploma|course|coursework|semester|term fee~|exam|"
     "admission|enrol|enroll|enrolment|scholarship|graduate|graduation|postgraduate|"
     "undergraduate|textbook|classroom|lecture|academic|learn|learning|training~|"
     "certification~|bootcamp|med school|law school|student loan|study abroad|kindergarten|"
     "preschool|private school|boarding school",
     "educational institution|school#1|education#1|learning#1|study#2"},
    {"child",
     "child|kid|baby|babies|newborn|infant|toddler|son|daughter|teen|teenager|"
     "adolescent|minor|junior|youngster|boy~|girl~|pregnant|pregnancy|expecting a baby|"
     "maternity|paternity|parent~|parenthood|father~|mother~|mom~|mum~|dad~|family~|"
     "grow up|growing up|pocket money|allowance|birthday~|nursery|daycare|childcare|"
     "nanny|diaper|nappy|adopt|adoption|twins|first born",
     "child#1|child#2|offspring|juvenile|parent"},
    {"health",
     "health|healthcare|health care|medical|medicine|hospital|hospitalisation|"
     "hospitalization|clinic|doctor|physician|nurse|surgery|operation~|treatment|"
     "therapy|illness|sick|sickness|disease|diagnosis|diagnosed|cancer|diabetes|"
     "heart attack|stroke~|injury|injured|accident~|emergency room|ambulance|dental|"
     "dentist|prescription|pharmacy|checkup|check up|wellness|mental health|"
     "critical illness|chronic|recovery~|rehab|physio|icu|specialist~|medical bill",
     "illness|disease|medical care|health professional|medical institution|injury|"
     "medical procedure|ill health"},
    {"dining",
     "dining|dine|dinner|lunch|brunch|breakfast~|restaurant|eat out|eating out|cafe|"
     "coffee|coffee shop|bistro|takeaway|takeout|food delivery|meal|food~|"
     "foodie|cuisine|chef|gourmet|fine dining|bar~|pub~|cocktail|wine~|drink~|"
     "street food|pizza|sushi|burger|zomato|swiggy|uber eat|deliveroo|doordash",
     "restaurant|meal|dish#2|beverage"},
    {"grocery",
     "grocery|groceries|supermarket|hypermarket|household shopping|weekly shop|"
     "food shopping|everyday spending|everyday purchase|daily expense|essentials|"
     "utility bill|utilities|electricity bill|water bill|gas bill|phone bill|fuel|petrol|"
     "gas station|filling station|pharmacy~",
     "grocery|foodstuff"},
    {"shopping",
     "shopping|shop|shopper|buy|purchase|purchases|spending|spend|online shopping|"
     "ecommerce|amazon|flipkart|mall|retail|fashion|clothes|clothing|electronics|"
     "gadget|phone~|laptop|furniture|appliance|splurge|big purchase|big ticket",
     "merchandise|clothing#1|consumer goods"},
    {"rewards",
     "reward|rewards|reward point|points|cashback|cash back|money back|rebate|bonus point|"
     "loyalty|loyalty programme|loyalty program|perk|benefit~|discount|voucher|coupon|"
     "offer~|deal~|air mile|miles|earn back|get something back|accelerated point|"
     "welcome bonus|sign up bonus|redeem|redemption",
     "reward#1|discount#1|bonus"},
    {"premium",
     "premium|luxury|luxurious|exclusive|elite|prestige|platinum|black card|gold card|"
     "vip|concierge|first class|business class|high end|upscale|affluent|high income~|"
     "high net worth|hnw|privilege|priority pass|airport lounge|lounge access|"
     "personal service~|status~",
     "luxury"},
    {"business",
     "business|small business|company|startup|start up a business|entrepreneur|"
     "founder|self employed|freelance|freelancer|contractor~|consultant~|sole trader|"
     "sole proprietor|merchant|shopkeeper|store owner|shop owner|my shop|my store|"
     "my restaurant|my firm|firm|enterprise|sme|msme|corporate|commercial|trade~|"
     "trading~|supplier|vendor|invoice|invoicing|payroll|employee~|staff~|hire staff|"
     "inventory|stock up~|working capital|cash flow|revenue|turnover|profit~|expand~|"
     "expansion~|franchise|partnership~|client~|b2b|gst|vat~|office~|workshop~|"
     "business expense|business travel",
     "business#1|business#2|enterprise#2|company#1|commercial enterprise|place of business"},
    {"invest",
     "invest|investment|investor|investing|stock|stocks|share|shares|stock market|"
     "equity|equities|portfolio|mutual fund|fund~|index fund|etf|sip|bond|bonds|"
     "securities|dividend|capital gain|returns|return~|growth|grow my money|grow wealth|"
     "make my money work|beat inflation|inflation~|compound|compounding|market~|"
     "trading|trader|crypto|bitcoin|asset|assets|diversify|diversification|"
     "wealth creation|long term growth|risk appetite|high risk~|aggressive~|nav|"
     "idle|sit idle|doing nothing~|earning nothing|earn nothing|put my money to work",
     "investment#1|security#4|stock#1|fund#1|assets"},
    {"wealth",
     "wealth|wealthy|rich|fortune|net worth|wealth management|wealth manager|"
     "financial advisor|financial adviser|advisor~|adviser~|private banking|"
     "relationship manager|estate planning|inheritance|inherit|inherited|windfall|"
     "lottery|jackpot|bonus~|large sum|lump sum|surplus|spare cash|idle money|"
     "money sitting|portfolio management|tax planning|trust fund|legacy~|millionaire",
     "wealth#1|fortune#1|inheritance#1"},
    {"savings",
     "save|saving|savings|saver|savings account|put aside|set aside|put away|"
     "rainy day|emergency fund|safety cushion|buffer|nest egg|stash|piggy bank|"
     "accumulate|build up money|save up|saving up|money aside|spare money~|"
     "save money|save for|goal~|target~|interest|interest rate~|earn interest|"
     "high yield|yield|apy|aer|deposit~|thrift|frugal|budget~|easy access|instant access|"
     "access my money~",
     "saving#1|savings#1|fund#1"},
    {"term_deposit",
     "fixed deposit|term deposit|fd|certificate of deposit|cd~|recurring deposit|rd|"
     "lock in|locked in|lock away|lock up my money|fixed rate|fixed return|guaranteed return|"
     "guaranteed interest|assured return|maturity|mature|tenure|fixed term|fixed period|"
     "safe return|no risk|risk free|low risk|capital protection|capital safe|"
     "monthly deposit~|instalment deposit~",
     NULL},
    {"insurance",
     "insurance|insure|insured|insurer|assurance|cover|coverage|covered|policy|"
     "premium~|claim|claims|protect|protection|protected|safeguard|peace of mind|"
     "safety net|risk~|just in case|worst case|unexpected~|mishap|accident|"
     "what if something happens|something happen|deductible|underwriting|indemnity",
     "insurance#1|protection#1"},
    {"life_cover",
     "life insurance|life cover|life policy|term life|term plan|die~|death|dead~|"
     "pass away|passed away|funeral|burial|widow|widower|orphan|dependant|dependent|"
     "beneficiary|survivor|look after my family|provide for my family|family protection|"
     "if i die|when i am gone|when im gone|leave behind|legacy|my will|write a will|estate~|"
     "breadwinner|sole earner|only earner|main earner|single income|mortality|"
     "something happen to me|anything happen to me|if i am gone|looked after~|"
     "take care of my family|provide for",
     "death#1|dependant"},
    {"credit_building",
     "credit score|credit history|credit rating|credit report|credit record|"
     "credit bureau|cibil|fico|build credit|build my credit|rebuild credit|repair credit|"
     "improve my credit|improve credit|bad credit|poor credit|low credit|no credit|"
     "thin file|credit builder|secured card|first credit card|first card|new to credit|"
     "never had credit|default~|defaulted|bankrupt|bankruptcy|missed payment|"
     "late payment~|creditworthy|creditworthiness|rebuild~|rating~|fresh start~",
     NULL},
    {"urgent_cash",
     "emergency|urgent|urgently|asap~|right away|immediately|quick cash|fast cash|"
     "instant|instantly|quick approval|fast approval|quick loan|need money now|"
     "need cash|short of cash|short on cash|short of money|cash crunch|cash shortage|"
     "tight month|tight on money|money is tight|im broke|i am broke|flat broke|"
     "running out of money|"
     "ran out of money|unexpected expense|unexpected bill|sudden expense|surprise bill|"
     "make ends meet|until payday|till payday|bridge the gap|stopgap|crisis|"
     "bills piling up|overdue bill|hardship|struggling~",
     "emergency#1|crisis"},
    {"loan",
     "loan|loans|borrow|borrowing|borrower|lend|lender|lending|credit line|"
     "line of credit|finance~|financing|financed|emi|instalment|installment|"
     "repay|repayment|repayments|pay back|payback|interest rate|apr|principal~|"
     "tenure~|collateral|secured loan|unsecured|unsecured loan|top up loan~|"
     "pre approved|preapproved|sanction|disbursal|disbursement|overdraft~|advance~|"
     "fund my|pay for~|afford|cannot afford|cant afford|need money for|money for",
     "loan#1|debt#1|credit#2"},
    {"debt",
     "debt|debts|indebted|owe|owing|owed|in the red|consolidate|consolidation|"
     "debt consolidation|pay off|paying off|payoff|balance transfer|high interest|"
     "credit card debt|card debt|outstanding balance|arrears|overdue|collections|"
     "debt collector|minimum payment|juggling payments|multiple loans|several loans|"
     "refinance|refinancing|juggle|juggling|drowning in~|too many cards",
     "debt#1|liability#2"},
    {"card",
     "card|cards|credit card|debit card|plastic|visa~|mastercard|amex|american express|"
     "rupay|discover~|contactless|tap to pay|swipe|chip|pin~|card number|cvv|"
     "virtual card|card payment|pay by card|card limit|credit limit|spending limit~|"
     "annual fee~|statement~|billing cycle",
     "credit card|charge card|debit card"},
    {"payments",
     "pay|payment|payments|paying|payee|transfer|transfers|transferring|send money|"
     "receive money|wire|bank transfer|direct debit|standing order|autopay|upi|"
     "bill payment|pay bills|pay my bills|transaction|transactions|online banking|"
     "mobile banking|app~|digital banking|netbanking|net banking|qr|wallet|"
     "apple pay|google pay|paypal|beneficiary~|iban|swift|sort code|routing number",
     "payment#1|transfer#6|transaction#1"},
    {"cash_atm",
     "atm|cash machine|cashpoint|cash withdrawal|withdraw|withdrawal|withdrawing|"
     "take out cash|get cash|cash~|banknote|bank note|notes~|coins|dispense|dispensed",
     "cash#1|cash machine"},
    {"gold",
     "gold|jewellery|jewelry|jewel|ornament|bullion|gold coin|gold bar|necklace|"
     "bangle|ring~|pledge|pawn|pawnshop|sovereign gold|gold bond|precious metal",
     "gold#3|jewelry|precious metal"},
    {"property_equity",
     "loan against property|against my property|against my house|against my home|"
     "home equity|equity release|equity in my house|mortgage my|collateral|"
     "pledge my property|property as security|secured against~|lap|"
     "commercial property|rental property|buy to let|investment property|second home|"
     "land~|plot~|real estate investment",
     NULL},
    {"salary",
     "salary|salaried|wage|wages|paycheck|paycheque|payslip|pay slip|payday|pay day|"
     "monthly pay|monthly income|income|earnings|earn|earning|employer|employee|"
     "employed|employment|job|my job|new job|first job|full time|part time|work~|"
     "working~|office~|career|promotion|raise|pay rise|hike|bonus~|corporate account~|"
     "payroll account|direct deposit",
     "salary#1|wage#1|employment#1|occupation"},
    {"young",
     "young|youth|young adult|student~|teen~|teenager~|first job~|college student|"
     "university student|just turned 18|turned 18|eighteen|gen z|millennial|"
     "starting out|start out|just started working|new graduate|fresh graduate|"
     "first salary|first paycheck|move out|moving out|first apartment|first flat",
     "young person|youth#1"},
    {"budget_control",
     "budget|budgeting|spending limit|control my spending|control spending|"
     "track spending|track my spending|overspend|overspending|impulse~|prepaid|"
     "pre paid|top up|topup|reload|load money|gift card|allowance~|limit~|"
     "pocket money~|no overdraft|cannot overspend|only spend what|spend only what|"
     "teen card|controlled spending|parental control",
     NULL},
    {"security_fraud",
     "fraud|fraudulent|fraudster|scam|scammer|scammed|phishing|stolen|steal|theft|"
     "thief|hack|hacked|hacker|compromised|unauthorised|unauthorized|suspicious|"
     "dispute|chargeback|identity theft|lost my card|lost card|card stolen|block card|"
     "freeze card|frozen~|security|secure~|fraud monitoring|fraud protection|"
     "purchase protection|did not make|didnt make|not recognise|not recognize|"
     "do not recognise|dont recognise|unknown charge|strange charge",
     "fraud#1|theft|crime#1"},
    {"wedding",
     "wedding|marriage|marry|married|getting married|get married|engaged|engagement|"
     "fiance|fiancee|bride|groom|spouse|wife|husband|partner~|anniversary|honeymoon~|"
     "reception~|wedding venue|ceremony~|divorce|separation~",
     "wedding#1|marriage#1|spouse"},
    {"fees",
     "fee|fees|charge~|charges~|charged~|cost~|costs~|cheap|low cost|no fee|fee free|"
     "free~|zero fee|annual fee|monthly fee|maintenance fee|hidden fee|penalty|"
     "expensive|affordable|waiver|waived|commission~|markup|surcharge|"
     "minimum balance|zero balance|no minimum",
     "fee#1|charge#2"},
    {"tax",
     "tax|taxes|taxation|tax saving|tax saver|save tax|tax benefit|tax free|tax deduction|"
     "deduction|tax break|tax relief|income tax|tax return|tax exempt|exemption|80c|"
     "tax efficient|tax advantage|tax advantaged|isa|hmrc|irs",
     "tax#1"},
    {"account_access",
     "account|bank account|current account|checking account|open an account|"
     "open account|new account|close my account|close account|account details|"
     "balance|statement|passbook|cheque|check book|chequebook|branch|online access|"
     "24 7|anytime|mobile app|log in|login|password|passcode|verify|"
     "verification|verify my identity|identity|id check|kyc|documents|proof of address",
     "bank account|account#5"},
    {"farm",
     "farm|farmer|farming|agriculture|agricultural|crop|harvest|tractor|livestock|"
     "cattle|dairy|irrigation|seeds~|fertiliser|fertilizer|rural",
     "farm|farmer|agriculture"},
    {"pets",
     "pet|pets|dog|puppy|cat~|kitten|vet|veterinary|pet insurance",
     "domestic animal|dog#1"},
    {"green",
     "solar|solar panel|electric car|ev~|green|eco|eco friendly|sustainable|"
     "sustainability|climate|carbon|renewable|energy efficient|esg|ethical",
     "solar energy|renewable resource"},
    /* not a concept: phrases whose words must not be read literally ("sick
     * of paying rent" is not about health); the '-' keeps it out of vectors */
    {"-idiom",
     "sick of|sick and tired|tired of|fed up|dying to|to die for|scared to death|"
     "bored to death|break the bank|cost an arm and a leg|arm and a leg|over the moon|"
     "piece of cake|under the weather~|on the house",
     NULL},
    {"charity",
     "charity|donate|donation|donating|philanthropy|nonprofit|ngo|cause~",
     "charity#2|gift#1"},
};

const size_t tl_lexicon_concept_count =
    sizeof tl_lexicon_concepts / sizeof tl_lexicon_concepts[0];
