using Microsoft.AspNetCore.Http.HttpResults;
using ReportService.Statutory.Rules;

namespace ReportService.Api.Features.Reports;

/// <summary>The problem responses the report slices share.</summary>
internal static class ReportProblems
{
    public static ProblemHttpResult Rejected(IEnumerable<Violation> violations, MessageLanguage language)
    {
        var all = RuleViolation.From(violations, language);
        var errors = all.Count(v => v.Severity == RuleSeverity.Error);
        return TypedResults.Problem(
            // RFC 9457 §3.1.4: the title is the type's summary, localized like the detail (not English beside a Chinese detail).
            title: language == MessageLanguage.English ? "The report breaks statutory rules" : "报告不符合法定规则",
            detail: language == MessageLanguage.English
                ? $"{errors} rule(s) of severity error failed; nothing was stored. Each violation names the rule and the cells."
                : $"报告未通过{errors}项校验规则，未予保存。每项违规列出规则及所涉单元格。",
            statusCode: StatusCodes.Status422UnprocessableEntity,
            type: "https://report-service/problems/rule-violations",
            extensions: new Dictionary<string, object?> { ["violations"] = all });
    }

    public static ProblemHttpResult NotFound(Guid id) => TypedResults.Problem(
        title: "Report not found",
        detail: $"There is no report {id}.",
        statusCode: StatusCodes.Status404NotFound);

    public static ProblemHttpResult Duplicate(Guid existing) => TypedResults.Problem(
        title: "The agency already has a report for this year and scope",
        detail: $"Correct the existing report with PUT {ReportRecords.Location(existing)} instead of submitting a second one.",
        statusCode: StatusCodes.Status409Conflict,
        type: "https://report-service/problems/duplicate-report",
        extensions: new Dictionary<string, object?> { ["existing"] = ReportRecords.Location(existing), ["existingId"] = existing });
}
