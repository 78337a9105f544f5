using ReportService.Statutory.Rules;
using ReportService.TestSupport;

namespace ReportService.Statutory.Tests;

public sealed class SeedReportTests
{
    [Fact]
    public void Seed_004_fails_balance_and_outcome_total_in_natural_person_and_total_columns()
    {
        var violations = Check.Run(Seeds.Json("004"));

        Assert.All(violations, v => Assert.True(v.IsError));
        Assert.Equal(
            ["T3.OUTCOME_TOTAL naturalPerson", "T3.OUTCOME_TOTAL total", "T3.BALANCE naturalPerson", "T3.BALANCE total"],
            violations.Select(v => $"{v.Rule} {v.Cells[^1].Pointer.Split('/')[^1]}"));
        foreach (var column in new[] { "naturalPerson", "total" })
        {
            var balance = violations.Single(v => v.Rule == RuleIds.T3Balance && v.Cells[0].Pointer.EndsWith(column, StringComparison.Ordinal));
            Assert.Equal(
                [$"/requests/received/{column}", $"/requests/carriedOver/{column}", $"/requests/outcomes/total/{column}", $"/requests/carriedForward/{column}"],
                balance.Cells.Select(c => c.Pointer));
            Assert.Equal([2, 0, 0, 0], balance.Cells.Select(c => (int)c.Value!));
            Assert.Equal((2L, 0L), (balance.Expected!.Value, balance.Actual!.Value));
            Assert.Contains("第一项加第二项之和（2）不等于第三项加第四项之和（0）", balance.Message.Chinese, StringComparison.Ordinal);

            var outcomes = violations.Single(v => v.Rule == RuleIds.T3OutcomeTotal && v.Cells[^1].Pointer.EndsWith(column, StringComparison.Ordinal));
            Assert.Contains(outcomes.Cells, c => c.Pointer == $"/requests/outcomes/disclosed/{column}" && (int)c.Value! == 2);
            Assert.Equal($"/requests/outcomes/total/{column}", outcomes.Cells[^1].Pointer);
            Assert.Equal(22, outcomes.Cells.Count);
            Assert.Equal((2L, 0L), (outcomes.Expected!.Value, outcomes.Actual!.Value));
        }
    }

    [Fact]
    public void Seed_000_as_printed_is_rejected_for_its_five_blank_reconsideration_cells()
    {
        var violations = Check.Run(Seeds.Json("000"));

        Assert.All(violations, v => Assert.Equal(RuleIds.CellCount, v.Rule));
        Assert.Equal(
            new[] { "upheld", "corrected", "other", "pending", "total" }.Select(k => "/appeals/reconsideration/" + k),
            violations.Select(v => Assert.Single(v.Cells).Pointer));
        Assert.All(violations, v => Assert.True(v.Cells[0].Missing));
        Assert.All(violations, v => Assert.Null(v.Cells[0].Value));
    }

    [Fact]
    public void Seed_000_is_accepted_once_the_blank_cells_are_filled_with_zeros()
    {
        Assert.Empty(Check.Run(Seeds.Seed000WithReconsiderationZeros()));
    }

    [Fact]
    public void Seed_001_is_accepted_with_the_warning_that_it_was_published_before_the_period_ended()
    {
        var violations = Check.Run(Seeds.Json("001"));

        var warning = Assert.Single(violations);
        Assert.Equal(RuleIds.PublishedBeforePeriodEnd, warning.Rule);
        Assert.Equal(RuleSeverity.Warning, warning.Severity);
        Assert.Equal("2023-12-21", warning.Cells[0].Value);
    }

    [Theory]
    [InlineData("002")]
    [InlineData("003")]
    public void Seeds_002_and_003_print_no_date_and_are_accepted_with_only_the_unknown_date_warning(string seed)
    {
        var violation = Assert.Single(Check.Run(Seeds.Json(seed)));
        Assert.Equal(RuleIds.PublishedOnUnknown, violation.Rule);
        Assert.False(violation.IsError);
        var cell = Assert.Single(violation.Cells);
        Assert.Equal("/publishedOn", cell.Pointer);
        Assert.True(cell.Missing);
    }

    [Theory]
    [InlineData("002")]
    [InlineData("003")]
    public void Seeds_002_and_003_with_a_date_in_time_break_no_rule(string seed)
    {
        var year = Seeds.Json(seed)["year"]!.GetValue<int>();
        Assert.Empty(Check.Run(Seeds.Json(seed).Set("/publishedOn", $"{year + 1}-01-10")));
    }
}
