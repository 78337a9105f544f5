using System.Text;
using System.Text.Json;

namespace ReportService.Api.Tests.Fuzzing;

/// <summary>The adversarial values the generators draw from, as raw JSON tokens or raw request text.</summary>
public static class Vocabulary
{
    public const string SqlDrop = "'; DROP TABLE reports; --";

    /// <summary>SQL-looking text; kept free of the upper-case leak markers so that an echo is never mistaken for a leak.</summary>
    public static readonly string[] Sql =
    [
        SqlDrop, "' OR '1'='1", "1; delete from report_revisions; --", "\"); DROP TABLE report_revisions; --",
        "%' or 1=1 --", "1' union select null, version() --", "'; insert into reports default values; --", "$$; DROP TABLE reports; $$",
    ];

    /// <summary>Counts near and beyond the int32 range, negative, fractional, huge and out of double range.</summary>
    public static readonly string[] Numbers =
    [
        "0", "-1", "1", "2147483647", "2147483646", "2147483648", "-2147483648", "-2147483649", "4294967296",
        "9223372036854775807", "9223372036854775808", "-9223372036854775809", "99999999999999999999999999999999999999",
        "1.5", "0.5", "-0.5", "2.0", "1e2", "1E+2", "1e309", "-1e309", "1e-400", "4.9e-324", "1.7976931348623157e308",
        "0.1234567", "0.000001", "123456789012345678901234.123456", "1234567890123456789012345", "1e25", "1e28",
        "79228162514264337593543950335", "79228162514264337593543950336", "-0", "-0.0", "0e0", "1" + new string('0', 400),
        "0." + new string('1', 400),
    ];

    /// <summary>Wrong JSON types in a value's place, and tokens that are not JSON at all.</summary>
    public static readonly string[] NotNumbers =
    [
        "\"1\"", "null", "true", "false", "[]", "{}", "[1]", "{\"a\":1}", "\"\"", "NaN", "Infinity", "-Infinity", "0x10",
        "01", "+1", ".5", "1.", "--1", "undefined", "'1'",
    ];

    public static readonly string[] Dates =
    [
        "\"9999-12-31\"", "\"0001-01-01\"", "\"2024-02-30\"", "\"2024-13-01\"", "\"+002024-01-01\"", "\"2024-01-01T00:00:00Z\"",
        "\"24-1-1\"", "\"2024-1-1\"", "\"-2024-01-01\"",
    ];

    public static readonly byte[][] Strings = BuildStrings();

    /// <summary>Every raw value token: numbers, strings, wrong types, dates.</summary>
    public static readonly byte[][] Values =
        [.. Numbers.Select(Utf8), .. NotNumbers.Select(Utf8), .. Dates.Select(Utf8), .. Strings];

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static byte[] Json(string text) => JsonSerializer.SerializeToUtf8Bytes(text, JsonMutator.Relaxed);

    /// <summary>Concatenates text (as UTF-8) and raw bytes.</summary>
    public static byte[] Raw(params object[] parts) =>
        [.. parts.SelectMany(p => p is byte[] bytes ? bytes : Encoding.UTF8.GetBytes((string)p))];

    public static byte[] Nested(int depth, bool objects) => objects
        ? Raw(string.Concat(Enumerable.Repeat("{\"a\":", depth)), "1", new string('}', depth))
        : Raw(new string('[', depth), new string(']', depth));

    private static byte[][] BuildStrings()
    {
        var plain = new[]
        {
            "", " ", "测试县测试镇人民政府", "x", "😀👍🏽", "\u202eevil", "\ufeffbom", "a\u0000b", "\u0000", "\u0001\u001f\u007f",
            "null", "true", "2023", "{0}%s%n%x", "${jndi:ldap://127.0.0.1/a}", "../../../../etc/passwd", "<script>alert(1)</script>",
            "\\", "\r\n\t", "ｆｕｌｌｗｉｄｔｈ", "ǅ̸̨̛", new string('长', 5000), new string('a', 70_000),
        };
        return
        [
            .. plain.Select(Json),
            .. Sql.Select(Json),
            Raw("\"\\ud800\""), Raw("\"a\\udc00b\""), Raw("\"\\udbff\\udbff\""), Raw("\"\\u0000\""), Raw("\"x\\u0000y\""),
            Raw("\"", new byte[] { 0xFF, 0xFE }, "\""), Raw("\"a", new byte[] { 0xC3, 0x28 }, "b\""),
            Raw("\"", new byte[] { 0xED, 0xA0, 0x80 }, "\""), Raw("\"", new byte[] { 0xC0, 0xAF }, "\""),
            Raw("\"", new byte[] { 0xF8, 0x88, 0x80, 0x80, 0x80 }, "\""), Raw("\"", new byte[] { 0xE6, 0xB5 }, "\""),
            Raw("\"a", new byte[] { 0 }, "b\""), Raw("\"tab\there\""), Raw("\"line\nbreak\""), Raw("\"\\x41\""), Raw("\"\\u12\""),
            Raw("\"\\uZZZZ\""), Raw("\"unterminated"),
        ];
    }

    // ---- request text: path segments, query values, headers (printable ASCII only, as Kestrel would pass them) ----

    public static readonly string[] PathJunk =
    [
        "", "x", "00000000-0000-0000-0000-000000000000", "not-a-guid", "{id}", "%01", "%ZZ", "%", "..", "%2e%2e", "%2F", "a%2Fb",
        "%27%3B%20DROP%20TABLE%20reports%3B%20--", "'%3B--", "2147483648", "2147483647", "-1", "0", "1e309", "99999999999999999999999",
        new string('a', 4000), "%ED%A0%80", "%C3%28", "%FF", "%E6%B5%8B", "null", "-0", "0x10", "1.5", "%20", "+",
        "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", "{00000000-0000-0000-0000-000000000000}", "00000000000000000000000000000000",
    ];

    public static readonly string[] QueryJunk =
    [
        "", "abc", "%27%3B%20DROP%20TABLE%20reports%3B%20--", "'%3B+DROP+TABLE+reports%3B+--", "%", "%z", "%%", "%00", "%ff%fe",
        "%ED%A0%80", "%C3%28", "%u0041", new string('a', 4000), "2147483648", "-2147483649", "99999999999999999999", "1.5", "1e309",
        "-1", "0", "2147483647", "-2147483648", "NaN", "true", "%E6%B5%8B", "a,b,,c", ",,,", "year,year,year,province", "%2C%2C",
        "14%00", "141122%25", "1%2B1", "null", "[]", "{}",
    ];

    public static readonly string[] ContentTypes =
    [
        "application/json", "application/json; charset=utf-8", "application/json; charset=latin1", "application/json; charset=utf-16",
        "text/plain", "application/xml", "multipart/form-data; boundary=xyz", "application/x-www-form-urlencoded",
        "application/problem+json", "application/x-ndjson", "application/vnd.foo+json", "???", "application/json; charset=\"",
        "*/*", "application/" + new string('j', 3000), "application/json;;;", "APPLICATION/JSON", " application/json ", "+json",
    ];

    /// <summary>Review bodies: both decisions, a return without a comment, unknown and wrong-typed decisions, an oversized comment.</summary>
    public static readonly string[] ReviewBodies =
    [
        "{\"decision\":\"approved\"}", "{\"decision\":\"returned\",\"comment\":\"请核对表三（七）总计\"}", "{\"decision\":\"returned\"}",
        "{\"decision\":\"maybe\"}", "{\"decision\":null}", "{\"decision\":1}", "{}", "[]", "null", "{\"decision\":\"Approved\"}",
        "{\"decision\":\"approved\",\"comment\":\"" + new string('x', 2001) + "\"}", "{\"decision\":\"returned\",\"comment\":{\"a\":1}}",
    ];

    /// <summary>
    /// Period-lock bodies: days far enough ahead that a lock never bites the other properties' corrections, days not after
    /// the year, impossible dates, wrong types.
    /// </summary>
    public static readonly string[] PeriodLockBodies =
    [
        "{\"lockedAfter\":\"2027-06-30\"}", "{\"lockedAfter\":\"2028-01-31\"}", "{\"lockedAfter\":\"2030-12-31\"}", "{\"lockedAfter\":\"9999-12-31\"}", "{\"lockedAfter\":\"2019-01-01\"}", "{\"lockedAfter\":\"0001-01-01\"}",
        "{\"lockedAfter\":\"2027-02-30\"}", "{\"lockedAfter\":\"\"}", "{\"lockedAfter\":20270630}", "{\"lockedAfter\":null}", "{}", "[]",
        "{\"lockedAfter\":\"2027-06-30T00:00:00Z\"}", "{\"lockedAfter\":\"30/06/2027\"}",
    ];

    public static readonly string[] IfMatch =
    [
        "\"1\"", "*", "W/\"1\"", "\"99999999999\"", "garbage", "\"", "\"1\", \"2\"", "\"2147483648\"", "\"-1\"", "\"\"", ",", "\"*\"",
        "W/", new string('"', 3000), "\"" + new string('9', 5000) + "\"", "\"'; DROP TABLE reports; --\"",
    ];

    public static readonly string[] IdempotencyKeys =
    [
        "", " ", "k", new string('k', 200), new string('k', 201), new string('k', 8000), SqlDrop, "%00%ff", "key with spaces", "\t",
    ];

    public static readonly string[] Accepts =
    [
        "application/json", "text/csv", "application/xml", "text/html", "*/*", "garbage/;;", "application/json;q=0",
        "application/problem+json", "text/*", "image/png", "text/csv;q=1, application/json;q=0.5", "", ";", new string('a', 6000),
        "application/json; q=abc",
    ];

    public static readonly string[] AcceptLanguages =
    [
        "en", "zh", "en-GB,en;q=0.9", "xx", "*", ";q=abc", "en;q=2", "en;q=-1", "", ",,,", new string('e', 6000),
        string.Join(",", Enumerable.Range(0, 500).Select(i => $"x{i};q=0.{i % 10}")), "zh-Hans-CN-x-private-" + new string('a', 100),
    ];

    public static readonly string[] Authorizations =
    [
        "Bearer garbage", "Bearer ", "Bearer", "Basic Zm9vOmJhcg==", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
        "Bearer a.b.c", "Bearer ....", "Bearer " + new string('A', 8000), "bearer x", "Negotiate abc", "", "Bearer eyJ%%%.eyJ.x",
        "Bearer " + SqlDrop,
    ];

    public static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "FOO", "get"];

    public static readonly string[] UnknownPaths =
    [
        "/", "/v1", "/v1/", "/v2/reports", "/v1/reportz", "/v1/reports/x/y/z", "/V1/REPORTS", "/v1/reports/validate/extra",
        "/openapi/v2.json", "/openapi/v1.json", "/swagger/nothing", "/health", "/health/live/x", "/%01", "/.env",
        "/v1/reports/" + new string('a', 3000), "//v1//reports", "/v1/reports/%2e%2e/rules", "/v1/aggregates/x", "/v1/rules/x",
        "/v1/regions/14/x", "/v1/reports/00000000-0000-0000-0000-000000000000/revisions/1/x", "/v1/reports/batch/x",
    ];
}
