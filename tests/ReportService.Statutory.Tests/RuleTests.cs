using System.Text.Json.Nodes;
using ReportService.Statutory.Rules;
using ReportService.TestSupport;

namespace ReportService.Statutory.Tests;

public sealed class RuleTests
{
    private static JsonObject Valid(string format = "2021", int seed = 7) => ReportGenerator.Generate(new Random(seed), format);

    [Fact]
    public void A_negative_count_breaks_cell_count_at_that_cell()
    {
        var body = Seeds.Json("002").Set("/appeals/litigationDirect/pending", -1);
        var violation = Check.Run(body).Single(RuleIds.CellCount);
        Assert.Equal("/appeals/litigationDirect/pending", violation.Cells[0].Pointer);
        Assert.Equal(-1, violation.Cells[0].Value);
    }

    [Fact]
    public void A_missing_row_reports_each_of_its_seven_cells_as_missing()
    {
        var body = Seeds.Json("002").RemoveAt("/requests/outcomes/withheld/stateSecret");
        var missing = Check.Run(body).Where(v => v.Rule == RuleIds.CellCount).ToArray();
        Assert.Equal(7, missing.Length);
        Assert.All(missing, v => Assert.StartsWith("/requests/outcomes/withheld/stateSecret/", v.Cells[0].Pointer, StringComparison.Ordinal));
        // The identities that need the missing cells are not checked with zeros in their place.
        Assert.DoesNotContain(Check.Run(body), v => v.Rule is RuleIds.T3OutcomeTotal or RuleIds.T3RowTotal);
    }

    [Fact]
    public void The_2019_items_change_may_be_negative()
    {
        var body = Valid("2019").Set("/activeDisclosure/licensing/itemsChange", -5);
        Assert.Empty(Check.Run(body).Errors());
    }

    [Fact]
    public void Counts_near_int_max_do_not_overflow_into_a_pass()
    {
        var body = Valid();
        body.Set("/requests/received/naturalPerson", int.MaxValue);
        body.Set("/requests/received/commercialEnterprise", int.MaxValue);
        body.Set("/requests/received/total", -2);
        var rowTotal = Check.Run(body).Single(v => v.Rule == RuleIds.T3RowTotal);
        Assert.True(rowTotal.Expected > int.MaxValue);
    }

    [Theory]
    [InlineData("0.1234567")]
    [InlineData("12.00000001")]
    public void A_fee_with_more_than_six_decimals_breaks_the_fee_rule(string amount)
    {
        var body = Seeds.Json("002").Set("/activeDisclosure/fees/amount", JsonNode.Parse(amount));
        var violation = Check.Run(body).Single(RuleIds.T2FeeAmount);
        Assert.Equal("/activeDisclosure/fees/amount", violation.Cells[0].Pointer);
    }

    [Theory]
    [InlineData("0.123456")]
    [InlineData("1.5000000")]
    [InlineData("0")]
    [InlineData("123456789.1")]
    public void A_fee_with_at_most_six_significant_decimals_passes(string amount)
    {
        var body = Seeds.Json("002").Set("/publishedOn", "2024-01-10").Set("/activeDisclosure/fees/amount", JsonNode.Parse(amount));
        Assert.Empty(Check.Run(body));
    }

    [Theory]
    [InlineData("-0.5")]
    [InlineData("null")]
    public void A_negative_or_missing_fee_breaks_the_fee_rule(string amount)
    {
        var body = Seeds.Json("002").Set("/activeDisclosure/fees/amount", JsonNode.Parse(amount));
        Assert.Equal("/activeDisclosure/fees/amount", Check.Run(body).Single(RuleIds.T2FeeAmount).Cells[0].Pointer);
    }

    [Theory]
    [InlineData("2021", 2020)]
    [InlineData("2019", 2021)]
    public void A_format_that_does_not_match_the_year_breaks_report_format(string format, int year)
    {
        var body = Valid(format);
        body["year"] = year;
        body["publishedOn"] = $"{year + 1}-01-10";
        var violation = Check.Run(body).Single(RuleIds.ReportFormat);
        Assert.Equal(["/format", "/year"], violation.Cells.Select(c => c.Pointer));
    }

    [Theory]
    [InlineData(2018)]
    [InlineData(2027)]
    public void A_year_outside_2019_to_now_breaks_report_year(int year)
    {
        var body = Valid();
        body["year"] = year;
        body["publishedOn"] = $"{year + 1}-01-10";
        Assert.Equal("/year", Check.Run(body).Single(RuleIds.ReportYear).Cells[0].Pointer);
    }

    [Fact]
    public void The_current_year_is_counted_in_china_time()
    {
        var body = Valid();
        body["year"] = 2027;
        body["publishedOn"] = "2028-01-10";
        // 2026-12-31 17:00 UTC is already 2027-01-01 in Beijing.
        var validator = new Validation.ReportValidator(new FixedClock(new DateTimeOffset(2026, 12, 31, 17, 0, 0, TimeSpan.Zero)));
        Assert.DoesNotContain(validator.Check(new(Check.Parse(body))), v => v.Rule == RuleIds.ReportYear);
    }

    [Fact]
    public void A_malformed_credit_code_breaks_agency_credit_code()
    {
        var body = Seeds.Json("002").Set("/agency/creditCode", "11654025381749268X");
        var violation = Check.Run(body).Single(RuleIds.AgencyCreditCode);
        Assert.Equal("/agency/creditCode", violation.Cells[0].Pointer);
        Assert.Contains("check", violation.Message.English, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("14112")]
    [InlineData("abc")]
    public void A_malformed_region_code_breaks_agency_region(string code)
    {
        var body = Seeds.Json("002").Set("/agency/regionCode", code);
        Assert.Equal("/agency/regionCode", Check.Run(body).Single(RuleIds.AgencyRegion).Cells[0].Pointer);
    }

    [Fact]
    public void A_region_directory_makes_unknown_codes_an_error()
    {
        var validator = new Validation.ReportValidator(FixedClock.Default, new KnownRegions("654025107"));
        Assert.Empty(validator.Check(new(Check.Parse(Seeds.Json("002").Set("/publishedOn", "2024-01-10")))));
        var body = Seeds.Json("002").Set("/agency/regionCode", "654025999");
        Assert.Contains(validator.Check(new(Check.Parse(body))), v => v.Rule == RuleIds.AgencyRegion);
    }

    [Fact]
    public void A_township_reporting_regulations_gets_the_authority_warning()
    {
        var body = Seeds.Json("002").Set("/activeDisclosure/regulations/inForce", 3);
        var warning = Check.Run(body).Single(RuleIds.RegulationsAuthority);
        Assert.Equal(RuleSeverity.Warning, warning.Severity);
        Assert.Equal("/activeDisclosure/regulations/inForce", Assert.Single(warning.Cells).Pointer);
    }

    [Fact]
    public void A_province_reporting_regulations_gets_no_authority_warning()
    {
        var body = Seeds.Json("002").Set("/activeDisclosure/regulations/inForce", 3).Set("/agency/level", "province");
        Assert.DoesNotContain(Check.Run(body), v => v.Rule == RuleIds.RegulationsAuthority);
    }

    [Theory]
    [InlineData("township", "government", "agency", false)]
    [InlineData("county", "government", "regionAggregate", false)]
    [InlineData("township", "government", "agency", true)]
    public void Without_a_date_the_date_rules_are_not_checked_and_a_warning_says_so(string level, string kind, string scope, bool explicitNull)
    {
        var body = Seeds.Json("000").Set("/agency/level", level).Set("/agency/kind", kind).Set("/agency/scope", scope);
        body = explicitNull ? body.Set("/publishedOn", null) : body.RemoveAt("/publishedOn");
        var violations = Check.Run(body);
        var unknown = violations.Single(RuleIds.PublishedOnUnknown);
        Assert.False(unknown.IsError);
        Assert.Equal("/publishedOn", Assert.Single(unknown.Cells).Pointer);
        Assert.DoesNotContain(violations, v => v.Rule is RuleIds.Late or RuleIds.PublishedBeforePeriodEnd);
    }

    [Theory]
    [InlineData("2023-12-21")]
    [InlineData("2024-01-12")]
    [InlineData("2025-06-01")]
    public void With_a_date_the_unknown_date_warning_is_never_given(string publishedOn)
    {
        Assert.DoesNotContain(Check.Run(Seeds.Json("000").Set("/publishedOn", publishedOn)), v => v.Rule == RuleIds.PublishedOnUnknown);
    }

    [Theory]
    [InlineData("township", "government", "agency", "2024-01-31", false)]
    [InlineData("township", "government", "agency", "2024-02-01", true)]
    [InlineData("county", "department", "agency", "2024-02-01", true)]
    [InlineData("county", "government", "agency", "2024-03-31", false)]
    [InlineData("county", "government", "agency", "2024-04-01", true)]
    [InlineData("county", "government", "regionAggregate", "2024-02-20", false)]
    [InlineData("county", "government", "regionAggregate", "2024-02-21", true)]
    [InlineData("city", "government", "regionAggregate", "2024-03-10", false)]
    [InlineData("city", "government", "regionAggregate", "2024-03-11", true)]
    [InlineData("province", "government", "regionAggregate", "2024-03-31", false)]
    [InlineData("province", "government", "regionAggregate", "2024-04-01", true)]
    public void Late_publication_is_judged_by_scope_level_and_kind(string level, string kind, string scope, string publishedOn, bool late)
    {
        var body = Seeds.Json("002").Set("/agency/level", level).Set("/agency/kind", kind).Set("/agency/scope", scope).Set("/publishedOn", publishedOn);
        Assert.Equal(late, Check.Run(body).Any(v => v.Rule == RuleIds.Late));
    }

    [Fact]
    public void A_credit_code_registered_in_another_county_gets_the_region_warning()
    {
        var body = Seeds.Json("002").Set("/agency/creditCode", ReportGenerator.MakeCreditCode("141122", new Random(3)));
        var warning = Check.Run(body).Single(RuleIds.CreditCodeRegion);
        Assert.Equal(["/agency/creditCode", "/agency/regionCode"], warning.Cells.Select(c => c.Pointer));
    }

    [Fact]
    public void A_prefecture_agency_registered_in_one_of_its_districts_gets_no_region_warning()
    {
        var body = Seeds.Json("002").Set("/agency/regionCode", "141100").Set("/agency/level", "city")
            .Set("/agency/creditCode", ReportGenerator.MakeCreditCode("141102", new Random(3)));
        Assert.DoesNotContain(Check.Run(body), v => v.Rule == RuleIds.CreditCodeRegion);
    }

    [Fact]
    public void An_overview_over_1000_characters_gets_the_length_warning_white_space_not_counted()
    {
        var body = Seeds.Json("002").Set("/text/overview", new string('字', 1000) + "\n \n");
        Assert.DoesNotContain(Check.Run(body), v => v.Rule == RuleIds.OverviewLength);
        body.Set("/text/overview", new string('字', 1001));
        var warning = Check.Run(body).Single(RuleIds.OverviewLength);
        Assert.Equal((1000L, 1001L), (warning.Expected!.Value, warning.Actual!.Value));
    }

    [Fact]
    public void Carry_over_that_differs_from_last_years_carried_forward_is_warned_per_column()
    {
        var previous = Valid(seed: 1);
        previous["year"] = 2022;
        previous["publishedOn"] = "2023-01-10";
        var body = Valid(seed: 2);
        body["year"] = 2023;
        body["publishedOn"] = "2024-01-10";
        var expected = Table3Columns().Where(c => (int)previous.Get("/requests/carriedForward/" + c)! != (int)body.Get("/requests/carriedOver/" + c)!).ToArray();
        Assert.NotEmpty(expected);

        var warnings = Check.Run(body, previous).Where(v => v.Rule == RuleIds.CarryOver).ToArray();
        Assert.Equal(expected.Select(c => "/requests/carriedOver/" + c), warnings.Select(w => w.Cells[0].Pointer));
    }

    [Fact]
    public void Carry_over_is_compared_across_the_2020_to_2021_format_change()
    {
        var previous = Valid("2019");
        previous["year"] = 2020;
        previous["publishedOn"] = "2021-01-10";
        var body = Valid();
        body["year"] = 2021;
        body["publishedOn"] = "2022-01-10";
        foreach (var column in Table3Columns())
        {
            body.Set("/requests/carriedOver/" + column, previous.Get("/requests/carriedForward/" + column)!.DeepClone());
        }

        var violations = Check.Run(body, previous);
        Assert.DoesNotContain(violations, v => v.Rule == RuleIds.CarryOver);
    }

    [Fact]
    public void In_force_that_does_not_follow_from_last_year_is_warned()
    {
        var previous = Seeds.Json("002").Set("/activeDisclosure/normativeDocuments/inForce", 10);
        previous["year"] = 2022;
        previous["publishedOn"] = "2023-01-10";
        var body = Seeds.Json("002")
            .Set("/activeDisclosure/normativeDocuments/issued", 3)
            .Set("/activeDisclosure/normativeDocuments/repealed", 1)
            .Set("/activeDisclosure/normativeDocuments/inForce", 13);
        var warning = Check.Run(body, previous).Single(RuleIds.InForce);
        Assert.Equal((12L, 13L), (warning.Expected!.Value, warning.Actual!.Value));

        body.Set("/activeDisclosure/normativeDocuments/inForce", 12);
        Assert.DoesNotContain(Check.Run(body, previous), v => v.Rule == RuleIds.InForce);
    }

    [Fact]
    public void Tables_identical_to_last_year_are_warned_unless_all_zero()
    {
        var previous = Valid(seed: 5);
        previous["year"] = 2022;
        previous["publishedOn"] = "2023-01-10";
        var body = previous.DeepClone().AsObject();
        body["year"] = 2023;
        body["publishedOn"] = "2024-01-10";
        Assert.Contains(Check.Run(body, previous), v => v.Rule == RuleIds.Identical);

        var zeros = Seeds.Json("002");
        var zerosBefore = Seeds.Json("002");
        zerosBefore["year"] = 2022;
        Assert.DoesNotContain(Check.Run(zeros, zerosBefore), v => v.Rule == RuleIds.Identical);
    }

    [Fact]
    public void Every_rule_has_texts_in_both_languages_and_a_unique_id()
    {
        Assert.Equal(RuleCatalog.All.Count, RuleCatalog.All.Select(r => r.Id).Distinct().Count());
        Assert.Equal(19, RuleCatalog.All.Count);
        Assert.All(RuleCatalog.All, r => Assert.False(string.IsNullOrWhiteSpace(r.Text.Chinese) || string.IsNullOrWhiteSpace(r.Text.English)));
    }

    private static IEnumerable<string> Table3Columns() => Tables.Table3.Columns.Select(c => c.Key);

    private sealed class KnownRegions(params string[] codes) : Validation.IRegionDirectory
    {
        public bool Exists(string normalizedCode) => codes.Contains(normalizedCode);
    }
}
