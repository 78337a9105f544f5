using System.Text;
using System.Text.Json.Nodes;
using ReportService.Statutory.Json;
using ReportService.Statutory.Rules;
using ReportService.TestSupport;

namespace ReportService.Statutory.Tests;

/// <summary>Bad input is named precisely and never mistaken for a report.</summary>
public sealed class ReaderTests
{
    private static ReportReadResult Read(string json) => ReportReader.Read(Encoding.UTF8.GetBytes(json));

    private static ReportReadResult Read(JsonNode json) => ReportReader.Read(json.ToUtf8());

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"format\":\"2021\",")]
    [InlineData("{\"format\":\"2021\"} trailing")]
    [InlineData("[1,2,3]")]
    [InlineData("\"2021\"")]
    public void A_body_that_is_not_a_json_object_is_malformed(string body) =>
        Assert.IsType<ReportReadResult.Malformed>(Read(body));

    [Theory]
    [InlineData("/agency/name")]
    [InlineData("/text/overview")]
    public void A_string_over_the_limit_is_malformed_at_its_pointer_and_one_at_the_limit_is_read(string pointer)
    {
        var atLimit = Seeds.Json("002").Set(pointer, new string('a', ReportJson.MaxStringBytes));
        var over = Seeds.Json("002").Set(pointer, new string('a', ReportJson.MaxStringBytes + 1));

        Assert.IsType<ReportReadResult.Parsed>(Read(atLimit));
        var malformed = Assert.IsType<ReportReadResult.Malformed>(Read(over));
        Assert.Equal(pointer, malformed.Pointer);
        Assert.Contains($"{ReportJson.MaxStringBytes} bytes", malformed.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_pointer_of_an_overlong_string_counts_array_items_and_escapes_names()
    {
        var body = Seeds.Json("002");
        body["extra"] = new JsonArray(1, "x", new JsonObject { ["a~b/c"] = new string('y', ReportJson.MaxStringBytes + 1) });
        var name = Seeds.Json("002");
        name[new string('n', ReportJson.MaxStringBytes + 1)] = 1;

        Assert.Equal("/extra/2/a~0b~1c", Assert.IsType<ReportReadResult.Malformed>(Read(body)).Pointer);
        Assert.StartsWith("A property name", Assert.IsType<ReportReadResult.Malformed>(Read(name)).Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"format\":\"\\ud800\"}")]
    [InlineData("{\"format\":\"2021\\udc00\"}")]
    [InlineData("{\"\\ud800\":1,\"format\":\"2021\"}")]
    [InlineData("{\"format\":\"2021\",\"agency\":{\"name\":\"\\ud800\"}}")]
    public void An_unpaired_surrogate_escape_in_a_string_or_key_is_malformed(string body) =>
        Assert.IsType<ReportReadResult.Malformed>(Read(body));

    [Theory]
    [InlineData("/agency/name")]
    [InlineData("/agency/creditCode")]
    [InlineData("/text/overview")]
    [InlineData("/format")]
    public void A_string_with_u0000_is_malformed_at_its_pointer(string pointer)
    {
        var body = Seeds.Json("002");
        body.Set(pointer, (string)body.Get(pointer)! + "\u0000");
        var malformed = Assert.IsType<ReportReadResult.Malformed>(Read(body));
        Assert.Equal(pointer, malformed.Pointer);
        Assert.Contains("U+0000", malformed.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void An_escaped_backslash_before_u0000_is_not_a_nul() =>
        Assert.IsType<ReportReadResult.Parsed>(Read(Seeds.Json("002").Set("/agency/name", "a\\u0000b")));

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    public void Invalid_utf8_in_the_format_or_a_key_is_malformed(byte[] invalid)
    {
        Assert.IsType<ReportReadResult.Malformed>(ReportReader.Read([.. "{\"format\":\""u8, .. invalid, .. "\"}"u8]));
        Assert.IsType<ReportReadResult.Malformed>(ReportReader.Read([.. "{\"format\":\"2021\",\""u8, .. invalid, .. "\":1}"u8]));
        Assert.IsType<ReportReadResult.Malformed>(ReportReader.Read([.. "{\"\\u0066ormat\":\"2021\",\"x\":\""u8, .. invalid, .. "\"}"u8]));
    }

    [Theory]
    [InlineData("\"2\"", "/requests/received/naturalPerson")]
    [InlineData("2.5", "/requests/received/naturalPerson")]
    [InlineData("2147483648", "/requests/received/naturalPerson")]
    [InlineData("-2147483649", "/requests/received/naturalPerson")]
    [InlineData("true", "/requests/received/naturalPerson")]
    [InlineData("{}", "/requests/received/naturalPerson")]
    public void A_count_that_is_not_a_32_bit_whole_number_is_malformed_at_its_pointer(string value, string pointer)
    {
        var body = Seeds.Json("002").Set(pointer, JsonNode.Parse(value));
        var malformed = Assert.IsType<ReportReadResult.Malformed>(Read(body));
        Assert.Equal(pointer, malformed.Pointer);
        Assert.Contains(pointer, malformed.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", malformed.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_property_is_malformed_and_named()
    {
        var body = Seeds.Json("002");
        body["agency"]!["nickname"] = "x";
        var malformed = Assert.IsType<ReportReadResult.Malformed>(Read(body));
        Assert.Equal("/agency/nickname", malformed.Pointer);
    }

    [Fact]
    public void A_missing_required_field_is_malformed_and_named()
    {
        var body = Seeds.Json("002").RemoveAt("/agency/creditCode");
        var malformed = Assert.IsType<ReportReadResult.Malformed>(Read(body));
        Assert.Equal("/agency/creditCode", malformed.Pointer);
    }

    [Fact]
    public void A_null_required_text_is_malformed()
    {
        var body = Seeds.Json("002").Set("/agency/name", null);
        var malformed = Assert.IsType<ReportReadResult.Malformed>(Read(body));
        Assert.Equal("/agency/name", malformed.Pointer);
    }

    [Theory]
    [InlineData("/agency/level", "\"village\"")]
    [InlineData("/agency/scope", "1")]
    [InlineData("/publishedOn", "\"2024/01/12\"")]
    [InlineData("/year", "\"2023\"")]
    public void A_value_of_the_wrong_type_or_enum_is_malformed(string pointer, string value)
    {
        var body = Seeds.Json("002").Set(pointer, JsonNode.Parse(value));
        Assert.Equal(pointer, Assert.IsType<ReportReadResult.Malformed>(Read(body)).Pointer);
    }

    [Fact]
    public void A_duplicated_property_is_malformed()
    {
        var json = Encoding.UTF8.GetString(Seeds.Utf8("002")).Replace("\"year\": 2023,", "\"year\": 2023, \"year\": 2022,", StringComparison.Ordinal);
        Assert.IsType<ReportReadResult.Malformed>(Read(json));
    }

    [Fact]
    public void Json_nested_too_deep_is_malformed()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200);
        Assert.IsType<ReportReadResult.Malformed>(Read(deep));
    }

    [Fact]
    public void A_null_count_is_read_as_missing_not_zero()
    {
        var body = Seeds.Json("002").Set("/requests/received/naturalPerson", null);
        var parsed = Assert.IsType<ReportReadResult.Parsed>(Read(body));
        var violation = Check.Validator.Check(new(parsed.Report)).Single(RuleIds.CellCount);
        Assert.True(violation.Cells[0].Missing);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("2020")]
    [InlineData("2021-v2")]
    [InlineData("")]
    public void A_missing_or_unknown_format_is_a_format_violation(string? format)
    {
        var body = Seeds.Json("002");
        if (format is null)
        {
            body.Remove("format");
        }
        else
        {
            body["format"] = format;
        }

        var wrong = Assert.IsType<ReportReadResult.WrongFormat>(Read(body));
        Assert.Equal(RuleIds.ReportFormat, wrong.Violation.Rule);
        Assert.Equal("/format", wrong.Violation.Cells[0].Pointer);
    }

    [Fact]
    public void A_format_that_is_not_a_string_is_malformed() =>
        Assert.Equal("/format", Assert.IsType<ReportReadResult.Malformed>(Read(Seeds.Json("002").Set("/format", 2021))).Pointer);

    [Fact]
    public void A_2021_body_labelled_2019_is_a_format_violation_naming_both_formats()
    {
        var body = Seeds.Json("002");
        body["format"] = "2019";
        var wrong = Assert.IsType<ReportReadResult.WrongFormat>(Read(body));
        Assert.Contains("format 2019", wrong.Violation.Message.English, StringComparison.Ordinal);
        Assert.Contains("format 2021", wrong.Violation.Message.English, StringComparison.Ordinal);
    }

    [Fact]
    public void A_2019_body_labelled_2021_is_a_format_violation()
    {
        var body = ReportGenerator.Generate(new Random(1), "2019");
        body["format"] = "2021";
        Assert.IsType<ReportReadResult.WrongFormat>(Read(body));
    }

    [Fact]
    public void A_report_round_trips_through_the_contract_json()
    {
        var report = Check.Parse(Seeds.Utf8("003"));
        var json = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(report, report.GetType(), ReportJson.Options))!;
        Assert.True(JsonNode.DeepEquals(Seeds.Json("003"), json), json.ToJsonString());
    }
}
