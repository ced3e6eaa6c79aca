/* names.c — word lists for the synthetic bank (see names.h). Written for
 * tailor; employer and merchant names are invented. */
#include "synth/names.h"
#include "synth/model.h"

#define LIST(a) {a, (uint32_t)(sizeof a / sizeof *a)}

static const char *const female[] = {
    "Olivia", "Emma", "Charlotte", "Amelia", "Sophia", "Mia", "Isabella", "Ava", "Evelyn",
    "Harper", "Luna", "Camila", "Gianna", "Elizabeth", "Eleanor", "Ella", "Abigail", "Sofia",
    "Avery", "Scarlett", "Emily", "Aria", "Penelope", "Chloe", "Layla", "Mila", "Nora", "Hazel",
    "Madison", "Ellie", "Lily", "Nova", "Isla", "Grace", "Violet", "Aurora", "Riley", "Zoey",
    "Willow", "Emilia", "Stella", "Zoe", "Victoria", "Hannah", "Addison", "Leah", "Lucy",
    "Eliana", "Ivy", "Everly", "Lillian", "Paisley", "Elena", "Naomi", "Maya", "Natalie",
    "Kinsley", "Delilah", "Claire", "Audrey", "Aaliyah", "Ruby", "Brooklyn", "Alice", "Aubrey",
    "Autumn", "Leilani", "Savannah", "Valentina", "Kennedy", "Madelyn", "Josephine", "Bella",
    "Skylar", "Genesis", "Sadie", "Anna", "Caroline", "Allison", "Gabriella", "Jasmine",
    "Priya", "Ananya", "Mei", "Yuki", "Aisha", "Fatima", "Amara", "Zainab", "Ngozi", "Lucia",
    "Ximena", "Guadalupe", "Rosa", "Mariana", "Daniela", "Carmen", "Linda", "Patricia",
    "Barbara", "Susan", "Margaret", "Dorothy", "Nancy", "Karen", "Betty", "Sandra", "Donna",
    "Carol", "Ruth", "Sharon", "Michelle", "Laura", "Deborah", "Jessica", "Rebecca", "Kimberly",
    "Angela", "Melissa", "Stephanie", "Amy", "Heather", "Nicole", "Christina", "Rachel",
    "Megan", "Lauren", "Diane", "Joyce", "Gloria", "Judith", "Teresa", "Frances", "Joan",
    "Marilyn", "Beverly", "Janet", "Catherine", "Hye-jin", "Thi", "Leila", "Noor",
};

static const char *const male[] = {
    "Liam", "Noah", "Oliver", "James", "Elijah", "William", "Henry", "Lucas", "Benjamin",
    "Theodore", "Mateo", "Levi", "Sebastian", "Daniel", "Jack", "Michael", "Alexander", "Owen",
    "Asher", "Samuel", "Ethan", "Leo", "Jackson", "Mason", "Ezra", "John", "Hudson", "Luca",
    "Aiden", "Joseph", "David", "Jacob", "Logan", "Luke", "Julian", "Gabriel", "Grayson",
    "Wyatt", "Matthew", "Maverick", "Dylan", "Isaac", "Elias", "Anthony", "Thomas", "Jayden",
    "Carter", "Santiago", "Ezekiel", "Charles", "Josiah", "Caleb", "Cooper", "Lincoln",
    "Miles", "Christopher", "Nathan", "Isaiah", "Kai", "Joshua", "Andrew", "Angel", "Adrian",
    "Cameron", "Nolan", "Waylon", "Jaxon", "Roman", "Eli", "Wesley", "Aaron", "Ian",
    "Christian", "Ryan", "Leonardo", "Brooks", "Axel", "Walker", "Jonathan", "Easton",
    "Everett", "Robert", "Richard", "Mark", "Donald", "Steven",
    "Paul", "Kenneth", "Kevin", "Brian", "George", "Timothy", "Ronald", "Edward", "Jason",
    "Jeffrey", "Gary", "Eric", "Stephen", "Larry", "Justin", "Scott", "Brandon", "Frank",
    "Gregory", "Raymond", "Patrick", "Dennis", "Jerry", "Tyler", "Douglas", "Harold", "Peter",
    "Walter", "Arjun", "Rohan", "Vikram", "Wei", "Hiroshi", "Kenji", "Minh", "Jun", "Omar",
    "Ahmed", "Yusuf", "Tariq", "Chinedu", "Kwame", "Jose", "Carlos", "Luis", "Miguel",
    "Alejandro", "Diego", "Javier", "Rafael", "Andre", "Malik", "Darnell", "Jamal",
};

static const char *const unisex[] = {
    "Alex", "Jordan", "Taylor", "Morgan", "Casey", "Jamie", "Riley", "Quinn", "Avery",
    "Rowan", "Sage", "Emerson", "Finley", "Hayden", "Parker", "Reese", "Skyler", "Dakota",
    "Ari", "Robin", "Sam", "Charlie", "Remy", "Blake", "Kendall",
};

static const char *const last[] = {
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
    "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Gomez", "Phillips", "Evans",
    "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes", "Stewart", "Morris",
    "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper",
    "Peterson", "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward",
    "Richardson", "Watson", "Brooks", "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza",
    "Ruiz", "Hughes", "Price", "Alvarez", "Castillo", "Sanders", "Patel", "Myers", "Long",
    "Ross", "Foster", "Jimenez", "Powell", "Jenkins", "Perry", "Russell", "Sullivan", "Bell",
    "Coleman", "Butler", "Henderson", "Barnes", "Gonzales", "Fisher", "Vasquez", "Simmons",
    "Romero", "Jordan", "Patterson", "Alexander", "Hamilton", "Graham", "Reynolds", "Griffin",
    "Wallace", "Moreno", "West", "Cole", "Hayes", "Bryant", "Herrera", "Gibson", "Ellis",
    "Tran", "Medina", "Aguilar", "Stevens", "Murray", "Ford", "Castro", "Marshall", "Owens",
    "Harrison", "Fernandez", "McDonald", "Woods", "Washington", "Kennedy", "Wells", "Vargas",
    "Henry", "Chen", "Freeman", "Webb", "Tucker", "Guzman", "Burns", "Crawford", "Olson",
    "Simpson", "Porter", "Hunter", "Gordon", "Mendez", "Silva", "Shaw", "Snyder", "Mason",
    "Dixon", "Munoz", "Hunt", "Hicks", "Holmes", "Palmer", "Wagner", "Black", "Robertson",
    "Boyd", "Rose", "Stone", "Salazar", "Fox", "Warren", "Mills", "Meyer", "Rice", "Schmidt",
    "Garza", "Daniels", "Ferguson", "Nichols", "Stephens", "Soto", "Weaver", "Ryan", "Gardner",
    "Payne", "Grant", "Dunn", "Kelley", "Spencer", "Hawkins", "Arnold", "Pierce", "Vazquez",
    "Hansen", "Peters", "Santos", "Hart", "Bradley", "Knight", "Elliott", "Cunningham",
    "Duncan", "Armstrong", "Hudson", "Carroll", "Lane", "Riley", "Andrews", "Ray", "Berry",
    "Wang", "Li", "Zhang", "Liu", "Yang", "Huang", "Wu", "Singh", "Kumar", "Shah", "Sharma",
    "Gupta", "Khan", "Ali", "Hussain", "Park", "Choi", "Tanaka", "Sato", "Suzuki", "Yamamoto",
    "Okafor", "Adeyemi", "Mensah", "Abebe", "O'Brien", "O'Connor", "MacLeod", "Novak",
    "Kowalski", "Rossi", "Russo", "Ferrari", "Costa", "Dubois", "Muller", "Fischer",
    "Lindqvist", "Larsen", "Ivanova",
};

static const char *const employers[] = {
    "Northwind Logistics", "Bluestone Health", "Cedar Ridge Schools", "Harbor Point Realty",
    "Meridian Software", "Summit Engineering", "Riverbend Hospital", "Lakeside Foods",
    "Ironwood Manufacturing", "Brightline Energy", "Oakmont Insurance", "Silverleaf Consulting",
    "Granite Peak Construction", "Coastal Freight", "Evergreen Pharmacy", "Pinecrest Retail",
    "Redwood Analytics", "Horizon Airlines", "Copperfield Law", "Maplewood County",
    "Starlight Media", "Westgate Automotive", "Clearwater Utilities", "Aspen Biotech",
    "Fairview University", "Keystone Telecom", "Golden Gate Hospitality", "Sterling Accounting",
    "Bayview Dental Group", "Trailhead Outdoor Co", "Quantum Devices", "Union Street Bakery",
    "Prairie Farms Cooperative", "Metro Transit Authority", "Hillcrest Senior Living",
    "Open Field Games", "Atlas Security Services", "Willow Creek Vineyards", "Crescent Studios",
    "Riverside Public Library",
};

static const char *const destinations[] = {
    "Japan", "Thailand", "Bali", "Vietnam", "Asia", "Italy", "Portugal", "Spain", "Greece",
    "Iceland", "Mexico", "Costa Rica", "Peru", "Kenya", "Morocco", "New Zealand", "Australia",
    "Ireland", "Scotland", "Paris", "London", "Barcelona", "Tokyo", "Seoul", "Hawaii",
    "the Caribbean", "Alaska", "the Swiss Alps", "Croatia", "South Africa", "Egypt", "Turkey",
    "Singapore", "the Maldives", "Patagonia", "Norway",
};

static const char *const platforms[] = {
    "Twitter", "Instagram", "Facebook", "LinkedIn", "Reddit",
};

tl_strlist tl_names_list(enum tl_names_kind kind)
{
    static const tl_strlist lists[TL_NAMES__N] = {
        [TL_NAMES_FEMALE] = LIST(female),
        [TL_NAMES_MALE] = LIST(male),
        [TL_NAMES_UNISEX] = LIST(unisex),
        [TL_NAMES_LAST] = LIST(last),
        [TL_NAMES_EMPLOYER] = LIST(employers),
        [TL_NAMES_DESTINATION] = LIST(destinations),
        [TL_NAMES_PLATFORM] = LIST(platforms),
    };
    return lists[kind];
}

/* The bank is American: US cities are residents; customers abroad (expats,
 * cross-border workers) are not. Phone numbers use ranges reserved for
 * fiction (US 555-01xx, UK 020 7946 0xxx, Australia 0491 570 xxx). */
static const tl_city cities[] = {
    {"New York", "United States", "+1-212-555-01", 9.0f, true},
    {"Los Angeles", "United States", "+1-213-555-01", 6.5f, true},
    {"Chicago", "United States", "+1-312-555-01", 4.5f, true},
    {"Houston", "United States", "+1-713-555-01", 3.8f, true},
    {"Phoenix", "United States", "+1-602-555-01", 2.6f, true},
    {"Philadelphia", "United States", "+1-215-555-01", 2.6f, true},
    {"San Antonio", "United States", "+1-210-555-01", 2.0f, true},
    {"San Diego", "United States", "+1-619-555-01", 2.2f, true},
    {"Dallas", "United States", "+1-214-555-01", 2.8f, true},
    {"Austin", "United States", "+1-512-555-01", 2.4f, true},
    {"Seattle", "United States", "+1-206-555-01", 2.6f, true},
    {"Denver", "United States", "+1-303-555-01", 2.0f, true},
    {"Boston", "United States", "+1-617-555-01", 2.6f, true},
    {"Miami", "United States", "+1-305-555-01", 2.6f, true},
    {"Atlanta", "United States", "+1-404-555-01", 2.6f, true},
    {"San Francisco", "United States", "+1-415-555-01", 2.8f, true},
    {"Portland", "United States", "+1-503-555-01", 1.5f, true},
    {"Minneapolis", "United States", "+1-612-555-01", 1.5f, true},
    {"Detroit", "United States", "+1-313-555-01", 1.4f, true},
    {"Nashville", "United States", "+1-615-555-01", 1.4f, true},
    {"Charlotte", "United States", "+1-704-555-01", 1.5f, true},
    {"Las Vegas", "United States", "+1-702-555-01", 1.4f, true},
    {"Salt Lake City", "United States", "+1-801-555-01", 1.0f, true},
    {"Columbus", "United States", "+1-614-555-01", 1.2f, true},
    {"Indianapolis", "United States", "+1-317-555-01", 1.1f, true},
    {"Kansas City", "United States", "+1-816-555-01", 1.0f, true},
    {"Raleigh", "United States", "+1-919-555-01", 1.0f, true},
    {"Tampa", "United States", "+1-813-555-01", 1.2f, true},
    {"Pittsburgh", "United States", "+1-412-555-01", 1.0f, true},
    {"Baltimore", "United States", "+1-410-555-01", 1.1f, true},
    {"New Orleans", "United States", "+1-504-555-01", 0.8f, true},
    {"Honolulu", "United States", "+1-808-555-01", 0.6f, true},
    {"Anchorage", "United States", "+1-907-555-01", 0.3f, true},
    {"Boise", "United States", "+1-208-555-01", 0.5f, true},
    {"Albuquerque", "United States", "+1-505-555-01", 0.6f, true},
    {"Toronto", "Canada", "+1-416-555-01", 0.9f, false},
    {"Vancouver", "Canada", "+1-604-555-01", 0.6f, false},
    {"London", "United Kingdom", "+44-20-7946-0", 1.0f, false},
    {"Manchester", "United Kingdom", "+44-161-496-0", 0.3f, false},
    {"Dublin", "Ireland", "+353-1-555-0", 0.3f, false},
    {"Sydney", "Australia", "+61-491-570-", 0.4f, false},
    {"Melbourne", "Australia", "+61-491-571-", 0.3f, false},
    {"Singapore", "Singapore", "+65-555-0", 0.4f, false},
    {"Mexico City", "Mexico", "+52-55-555-0", 0.6f, false},
    {"Berlin", "Germany", "+49-30-555-0", 0.3f, false},
    {"Paris", "France", "+33-1-555-0", 0.3f, false},
    {"Tokyo", "Japan", "+81-3-555-0", 0.3f, false},
    {"Dubai", "United Arab Emirates", "+971-4-555-0", 0.3f, false},
    {"Bengaluru", "India", "+91-80-555-0", 0.4f, false},
};

const tl_city *tl_names_cities(uint32_t *n)
{
    *n = (uint32_t)(sizeof cities / sizeof *cities);
    return cities;
}

static const char *const m_groceries[] = {
    "FreshMart", "Green Basket Grocers", "Harvest Table Market", "ValuFoods", "Corner Pantry",
    "Sunrise Supermarket", "Orchard Lane Organics", "BulkBarn Warehouse",
};
static const char *const m_dining[] = {
    "Luigi's Trattoria", "Golden Dragon", "Taco Loco", "The Daily Grind Cafe", "Sakura Sushi",
    "Burger Barn", "Spice Route Kitchen", "Blue Door Bistro", "Pho Saigon", "QuickBite Delivery",
    "Pizza Piazza", "The Oak Tavern",
};
static const char *const m_travel[] = {
    "SkyWays Airlines", "Coastal Air", "GlobeTrek Travel", "Harborview Hotels", "StayNest Rentals",
    "RailLink", "Sunset Cruises", "Pinnacle Resorts", "CityHop Car Rental",
};
static const char *const m_fuel[] = {
    "QuickFuel", "Road Star Gas", "EcoCharge Station", "Highway 9 Petrol", "FuelUp Express",
};
static const char *const m_shopping[] = {
    "UrbanThreads", "MegaMart Online", "TechHaven Electronics", "Bookworm & Co", "StyleLoft",
    "Little Steps Kids", "HomeGoods Depot", "ShopSphere", "Sole Sisters Shoes",
};
static const char *const m_utilities[] = {
    "City Power & Light", "Metro Water", "FiberNet Internet", "Clearwave Mobile", "GasCo Energy",
};
static const char *const m_rent[] = {
    "Parkside Property Management", "Maple Court Apartments", "Riverside Lettings",
    "Urban Nest Living",
};
static const char *const m_health[] = {
    "CarePlus Pharmacy", "Riverbend Hospital", "SmileBright Dental", "ClearView Optics",
    "Wellness Family Clinic", "PhysioWorks",
};
static const char *const m_education[] = {
    "Fairview University", "BrightMinds Tutoring", "CodeCamp Academy", "Campus Bookstore",
    "Little Oaks Daycare",
};
static const char *const m_entertainment[] = {
    "StreamFlix", "Cinema Central", "TuneBox Music", "GameVault", "FitLife Gym",
    "LiveStage Tickets", "Bowl-O-Rama",
};
static const char *const m_business[] = {
    "OfficeHub Supplies", "CloudStack Software", "AdReach Marketing", "PrintPro",
    "CoWork Central", "Wholesale Direct", "ShipFast Couriers",
};
static const char *const m_transport[] = {
    "RideNow", "Metro Transit", "CityBike", "ParkSmart Garages", "Toll Road Authority",
    "AutoFix Garage",
};
static const char *const m_home[] = {
    "HomeGoods Depot", "Nordic Nest Furniture", "HandyPro Repairs", "GreenThumb Garden Center",
    "MoveMates Removals",
};
static const char *const m_insurance[] = {
    "Tailor Bank Insurance",
};
static const char *const m_loans[] = {
    "Tailor Bank Loan Servicing",
};

tl_strlist tl_names_merchants(int category)
{
    static const tl_strlist lists[TL_CAT__N] = {
        [TL_CAT_GROCERIES] = LIST(m_groceries),
        [TL_CAT_DINING] = LIST(m_dining),
        [TL_CAT_TRAVEL] = LIST(m_travel),
        [TL_CAT_FUEL] = LIST(m_fuel),
        [TL_CAT_SHOPPING] = LIST(m_shopping),
        [TL_CAT_UTILITIES] = LIST(m_utilities),
        [TL_CAT_RENT] = LIST(m_rent),
        [TL_CAT_HEALTHCARE] = LIST(m_health),
        [TL_CAT_EDUCATION] = LIST(m_education),
        [TL_CAT_ENTERTAINMENT] = LIST(m_entertainment),
        [TL_CAT_BUSINESS] = LIST(m_business),
        [TL_CAT_TRANSPORT] = LIST(m_transport),
        [TL_CAT_HOME] = LIST(m_home),
        [TL_CAT_INSURANCE] = LIST(m_insurance),
        [TL_CAT_LOANS] = LIST(m_loans),
    };
    if (category < 0 || category >= TL_CAT__N)
        category = TL_CAT_SHOPPING;
    return lists[category];
}
