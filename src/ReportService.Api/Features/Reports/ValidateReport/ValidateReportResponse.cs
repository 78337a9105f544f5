namespace ReportService.Api.Features.Reports.ValidateReport;

/// <summary>The result of a dry run: nothing was stored.</summary>
public sealed class ValidateReportResponse
{
    /// <summary>False when any violation has severity <c>error</c> (the report would be rejected with 422).</summary>
    public required bool Valid { get; init; }

    /// <summary>Every error and warning, in the order of the rule catalogue.</summary>
    public required IReadOnlyList<RuleViolation> Violations { get; init; }
}
