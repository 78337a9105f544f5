using ReportService.Statutory.Model;

namespace ReportService.Statutory.Rules;

/// <summary>A rule as the catalogue lists it.</summary>
/// <param name="Id">Stable rule id.</param>
/// <param name="Severity">Error (rejects) or warning (stored with the report).</param>
/// <param name="Formats">The formats the rule applies to.</param>
/// <param name="Text">What the rule checks, in Chinese and English.</param>
/// <param name="NeedsPreviousYear">True for cross-year rules, which compare with the same agency's stored report of the year before.</param>
public sealed record RuleDescriptor(string Id, RuleSeverity Severity, IReadOnlyList<string> Formats, LocalizedText Text, bool NeedsPreviousYear = false);

/// <summary>Every rule of the statutory format, in the order they are checked.</summary>
public static class RuleCatalog
{
    private static readonly IReadOnlyList<string> Both = ReportFormats.All;
    private static readonly IReadOnlyList<string> Only2021 = [ReportFormats.Format2021];

    /// <summary>The whole catalogue.</summary>
    public static readonly IReadOnlyList<RuleDescriptor> All =
    [
        new(RuleIds.ReportFormat, RuleSeverity.Error, Both, new(
            "格式版本须与报告年度相符（2019—2020年度用2019格式，2021年度起用2021格式），且报告内容须符合所标格式",
            "The format must match the report year (2019 for 2019–2020, 2021 from 2021 on) and the body must have the shape of its format")),
        new(RuleIds.ReportYear, RuleSeverity.Error, Both, new(
            "报告年度须在2019年至当前年度之间",
            "The report year must be between 2019 and the current year")),
        new(RuleIds.AgencyCreditCode, RuleSeverity.Error, Both, new(
            "统一社会信用代码须为18位，仅含代码字符集字符，且组织机构代码校验码与第18位校验码正确（GB 32100-2015）",
            "The unified social credit code must be 18 characters of the code alphabet with valid check characters (GB 32100-2015)")),
        new(RuleIds.AgencyRegion, RuleSeverity.Error, Both, new(
            "区划代码须为2、4、6或9位统计用区划代码（6位省、市代码如140000、141100可用）",
            "The region code must be a 2, 4, 6 or 9 digit statistical division code (six-digit province and prefecture forms such as 140000 and 141100 are accepted)")),
        new(RuleIds.CellCount, RuleSeverity.Error, Both, new(
            "每个数量单元格都须填写且为不小于0的整数（2019格式“本年增/减”可为负数）；空白不等于零",
            "Every count must be present and a whole number ≥ 0 (the 2019 items change may be negative); a blank is not a zero")),
        new(RuleIds.T2FeeAmount, RuleSeverity.Error, Both, new(
            "表二金额（收费金额、采购总金额）须填写、不小于0且至多6位小数",
            "Table 2 amounts (fees, procurement) must be present, ≥ 0 and have at most 6 decimals")),
        new(RuleIds.T3RowTotal, RuleSeverity.Error, Both, new(
            "表三每行的总计须等于六类申请人之和",
            "In each row of table 3, the total must equal the sum of the six applicant columns")),
        new(RuleIds.T3OutcomeTotal, RuleSeverity.Error, Both, new(
            "表三每列的（七）总计须等于各项办理结果之和（部分公开只计这一情形）",
            "In each column of table 3, the outcomes total must equal the sum of all outcome rows (each concluded request counts once)")),
        new(RuleIds.T3Balance, RuleSeverity.Error, Both, new(
            "表三每列：第一项加第二项之和，等于第三项加第四项之和",
            "In each column of table 3: received + carried over = outcomes total + carried forward")),
        new(RuleIds.T4GroupTotal, RuleSeverity.Error, Both, new(
            "表四每组：结果维持、结果纠正、其他结果、尚未审结之和等于总计",
            "In each group of table 4: upheld + corrected + other + pending = total")),
        new(RuleIds.RegulationsAuthority, RuleSeverity.Warning, Both, new(
            "县级、乡镇级机关无规章制定权，规章数应为0",
            "County and township agencies have no rule-making power: their regulation counts should be 0")),
        new(RuleIds.PublishedBeforePeriodEnd, RuleSeverity.Warning, Both, new(
            "发布日期早于或等于报告年度12月31日，而数据应截至该日",
            "Published on or before 31 December of the report year, although the figures are as of that day")),
        new(RuleIds.Late, RuleSeverity.Warning, Both, new(
            "发布晚于法定期限：部门和乡镇1月31日；县级以上人民政府本机关报告3月31日；汇总报告县2月20日、市3月10日、省3月31日",
            "Published after the statutory deadline: departments and townships 31 January; county-and-above governments' own reports 31 March; region aggregates county 20 February, prefecture 10 March, province 31 March")),
        new(RuleIds.PublishedOnUnknown, RuleSeverity.Warning, Both, new(
            "未给出发布日期，无法检查发布是否晚于统计截止日及是否超过法定期限",
            "No publication date is given, so whether the report was published after the reporting period and within the statutory deadline cannot be checked")),
        new(RuleIds.CreditCodeRegion, RuleSeverity.Warning, Both, new(
            "统一社会信用代码第3—8位的登记管理机关行政区划与机关所在区划不一致",
            "The area embedded in the credit code (characters 3–8) is not the agency's county, prefecture or province")),
        new(RuleIds.OverviewLength, RuleSeverity.Warning, Only2021, new(
            "总体情况原则上不超过1000字（不计空白字符）",
            "The overview should not exceed 1000 characters (white space not counted)")),
        new(RuleIds.CarryOver, RuleSeverity.Warning, Both, new(
            "本年“上年结转”应等于同一机关上一年度报告的“结转下年度继续办理”（逐列）",
            "Carried over this year should equal the same agency's carried forward of the previous year, per column"), NeedsPreviousYear: true),
        new(RuleIds.InForce, RuleSeverity.Warning, Only2021, new(
            "本年现行有效件数应等于上年现行有效件数加本年制发件数减本年废止件数（规章、行政规范性文件）",
            "In force this year should equal last year's in force + issued − repealed (regulations, normative documents)"), NeedsPreviousYear: true),
        new(RuleIds.Identical, RuleSeverity.Warning, Both, new(
            "表二至表四与同一机关上一年度完全相同（全为0的表格除外），可能年年雷同",
            "Tables 2–4 are identical to the same agency's previous year (all-zero tables excepted)"), NeedsPreviousYear: true),
    ];

    private static readonly Dictionary<string, RuleDescriptor> ById = All.ToDictionary(r => r.Id, StringComparer.Ordinal);

    /// <summary>The descriptor of a rule id.</summary>
    public static RuleDescriptor Get(string id) => ById[id];
}
