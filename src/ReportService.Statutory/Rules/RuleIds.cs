namespace ReportService.Statutory.Rules;

/// <summary>The stable rule ids: they are part of the public API.</summary>
public static class RuleIds
{
    public const string T3Balance = "T3.BALANCE";
    public const string T3OutcomeTotal = "T3.OUTCOME_TOTAL";
    public const string T3RowTotal = "T3.ROW_TOTAL";
    public const string T4GroupTotal = "T4.GROUP_TOTAL";
    public const string CellCount = "CELL.COUNT";
    public const string T2FeeAmount = "T2.FEE_AMOUNT";
    public const string ReportFormat = "REPORT.FORMAT";
    public const string ReportYear = "REPORT.YEAR";
    public const string AgencyCreditCode = "AGENCY.CREDIT_CODE";
    public const string AgencyRegion = "AGENCY.REGION";
    public const string CarryOver = "X.CARRY_OVER";
    public const string InForce = "X.IN_FORCE";
    public const string Identical = "X.IDENTICAL";
    public const string RegulationsAuthority = "T2.REGULATIONS_AUTHORITY";
    public const string PublishedBeforePeriodEnd = "REPORT.PUBLISHED_BEFORE_PERIOD_END";
    public const string Late = "REPORT.LATE";
    public const string PublishedOnUnknown = "REPORT.PUBLISHED_ON_UNKNOWN";
    public const string CreditCodeRegion = "AGENCY.CREDIT_CODE_REGION";
    public const string OverviewLength = "TEXT.OVERVIEW_LENGTH";
}
