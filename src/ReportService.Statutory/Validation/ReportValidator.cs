using FluentValidation;
using ReportService.Statutory.Rules;

namespace ReportService.Statutory.Validation;

/// <summary>
/// Every rule of the statutory format, in catalogue order. Stateless: register it once (singleton). The
/// cross-year rules run when <see cref="ReportUnderReview.PreviousYear"/> is given.
/// </summary>
public sealed class ReportValidator : AbstractValidator<ReportUnderReview>
{
    /// <summary>Creates the validator.</summary>
    /// <param name="clock">Today's date decides REPORT.YEAR.</param>
    /// <param name="regions">The division reference for AGENCY.REGION; without it only the code's form is checked.</param>
    public ReportValidator(TimeProvider clock, IRegionDirectory? regions = null)
    {
        Rule(ReportRules.Format);
        Rule((s, sink) => ReportRules.Year(s, sink, clock));
        Rule(ReportRules.CreditCodeWellFormed);
        Rule((s, sink) => ReportRules.Region(s, sink, regions));
        Rule(CellRules.Counts);
        Rule(CellRules.Amounts);
        Rule(TableRules.RowTotals);
        Rule(TableRules.OutcomeTotals);
        Rule(TableRules.Balance);
        Rule(TableRules.AppealTotals);
        Rule(ReportRules.RegulationsAuthority);
        Rule(ReportRules.PublishedBeforePeriodEnd);
        Rule(ReportRules.Late);
        Rule(ReportRules.PublishedOnUnknown);
        Rule(ReportRules.CreditCodeRegion);
        Rule(ReportRules.OverviewLength);
        Rule(CrossYearRules.CarryOver);
        Rule(CrossYearRules.InForce);
        Rule(CrossYearRules.Identical);
    }

    /// <summary>Runs every rule and returns the violations, errors and warnings, in catalogue order.</summary>
    public IReadOnlyList<Violation> Check(ReportUnderReview subject)
    {
        var result = Validate(subject);
        var violations = new Violation[result.Errors.Count];
        for (var i = 0; i < violations.Length; i++)
        {
            violations[i] = (Violation)result.Errors[i].CustomState;
        }

        return violations;
    }

    private void Rule(Action<ReportUnderReview, ViolationSink> check) =>
        RuleFor(s => s).Custom((subject, context) => check(subject, new ViolationSink(context)));
}
