using FluentValidation;
using FluentValidation.Results;
using ReportService.Statutory.Rules;

namespace ReportService.Statutory.Validation;

/// <summary>Adds statutory violations to a FluentValidation context, keeping the whole violation as its state.</summary>
internal readonly struct ViolationSink(ValidationContext<ReportUnderReview> context)
{
    public void Add(string rule, LocalizedText message, IReadOnlyList<ViolationCell> cells, long? expected = null, long? actual = null)
    {
        var violation = new Violation(rule, RuleCatalog.Get(rule).Severity, message, cells, expected, actual);
        context.AddFailure(new ValidationFailure(cells.Count > 0 ? cells[0].Pointer : "", message.Chinese)
        {
            ErrorCode = rule,
            Severity = violation.IsError ? Severity.Error : Severity.Warning,
            CustomState = violation,
        });
    }
}
