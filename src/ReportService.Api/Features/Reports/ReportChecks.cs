using Microsoft.AspNetCore.Http.HttpResults;
using ReportService.Api.Infrastructure;
using ReportService.Api.Persistence;
using ReportService.Statutory.Model;
using ReportService.Statutory.Rules;
using ReportService.Statutory.Validation;

namespace ReportService.Api.Features.Reports;

/// <summary>The check every write makes before it stores anything, and the rejection it answers.</summary>
internal static class ReportChecks
{
    /// <summary>Every rule, the cross-year ones against the same agency's stored previous year; a 422 when an error is found.</summary>
    public static async Task<(IReadOnlyList<Violation> Violations, ProblemHttpResult? Rejection)> CheckAsync(
        Report report, ReportValidator validator, ReportsDbContext db, string operation, MessageLanguage language, CancellationToken cancellationToken)
    {
        var previous = await ReportRecords.PreviousYearAsync(db, report, cancellationToken);
        var violations = validator.Check(new ReportUnderReview(report, previous));
        return (violations, violations.Any(v => v.IsError) ? Reject(violations, operation, language) : null);
    }

    /// <summary>A 422 with the violations, counted by rule id.</summary>
    public static ProblemHttpResult Reject(IReadOnlyList<Violation> violations, string operation, MessageLanguage language)
    {
        Telemetry.CountRejection(operation, violations);
        return ReportProblems.Rejected(violations, language);
    }
}
