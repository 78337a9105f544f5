using ReportService.Statutory.Model;

namespace ReportService.Statutory.Validation;

/// <summary>
/// What the rules look at: the report, and for the cross-year rules (X.*) the same agency's stored report of
/// the year before, when there is one.
/// </summary>
public sealed record ReportUnderReview(Report Report, Report? PreviousYear = null);
