using System.Globalization;
using System.Text;
using ReportService.Statutory.Identity;
using ReportService.Statutory.Model;
using ReportService.Statutory.Rules;
using ReportService.Statutory.Tables;

namespace ReportService.Statutory.Validation;

/// <summary>The rules about the report as a whole and its agency.</summary>
internal static class ReportRules
{
    /// <summary>Report years are counted in China Standard Time (UTC+8, no daylight saving).</summary>
    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    private const int FirstYear = 2019;
    private const int OverviewLimit = 1000;

    public static DateOnly TodayInChina(TimeProvider clock) =>
        DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(ChinaOffset).DateTime);

    public static void Format(ReportUnderReview subject, ViolationSink sink)
    {
        var report = subject.Report;
        if (report.Year < FirstYear)
        {
            return;
        }

        var expected = ReportFormats.ForYear(report.Year);
        if (report.Format != expected)
        {
            sink.Add(RuleIds.ReportFormat, new(
                $"{report.Year}年度报告应使用{expected}格式，而不是{report.Format}格式",
                $"A report for {report.Year} must use format {expected}, not {report.Format}"),
                [new("/format", report.Format), new("/year", report.Year)]);
        }
    }

    public static void Year(ReportUnderReview subject, ViolationSink sink, TimeProvider clock)
    {
        var year = subject.Report.Year;
        var current = TodayInChina(clock).Year;
        if (year < FirstYear || year > current)
        {
            sink.Add(RuleIds.ReportYear, new(
                $"报告年度{year}不在{FirstYear}年至{current}年之间",
                $"Report year {year} is not between {FirstYear} and {current}"),
                [new("/year", year)]);
        }
    }

    public static void CreditCodeWellFormed(ReportUnderReview subject, ViolationSink sink)
    {
        var code = subject.Report.Agency.CreditCode;
        LocalizedText? message = CreditCode.Check(code) switch
        {
            CreditCodeProblem.Length => new($"统一社会信用代码应为18位（实为{code.Length}位）", $"The credit code must have 18 characters, not {code.Length}"),
            CreditCodeProblem.Alphabet => new("统一社会信用代码含有代码字符集以外的字符（不使用I、O、Z、S、V）", "The credit code has a character outside the code alphabet (no I, O, Z, S, V)"),
            CreditCodeProblem.OrganizationCheck => new("统一社会信用代码第17位（组织机构代码校验码）错误", "The credit code's 17th character (the organisation code check) is wrong"),
            CreditCodeProblem.CheckCharacter => new("统一社会信用代码第18位校验码错误", "The credit code's check character (18th) is wrong"),
            _ => null,
        };
        if (message is { } m)
        {
            sink.Add(RuleIds.AgencyCreditCode, m, [new("/agency/creditCode", code)]);
        }
    }

    public static void Region(ReportUnderReview subject, ViolationSink sink, IRegionDirectory? regions)
    {
        var code = subject.Report.Agency.RegionCode;
        if (!RegionCode.TryNormalize(code, out var normalized))
        {
            sink.Add(RuleIds.AgencyRegion, new(
                $"区划代码“{code}”格式错误：应为2、4、6或9位数字",
                $"Region code \"{code}\" is malformed: it must be 2, 4, 6 or 9 digits"),
                [new("/agency/regionCode", code)]);
        }
        else if (regions is not null && !regions.Exists(normalized))
        {
            sink.Add(RuleIds.AgencyRegion, new(
                $"区划代码“{code}”不在区划代码库中",
                $"Region code \"{code}\" is not in the division reference"),
                [new("/agency/regionCode", code)]);
        }
    }

    public static void RegulationsAuthority(ReportUnderReview subject, ViolationSink sink)
    {
        var report = subject.Report;
        if (report.Agency.Level is not (AgencyLevel.County or AgencyLevel.Township))
        {
            return;
        }

        var cells = Table2.CellsOf(report.Format)
            .Where(c => c.Pointer.StartsWith("/activeDisclosure/regulations/", StringComparison.Ordinal))
            .Select(c => (c.Pointer, Value: c.ReadCount(report)))
            .Where(c => c.Value is > 0)
            .Select(c => ViolationCell.Count(c.Pointer, c.Value))
            .ToArray();
        if (cells.Length > 0)
        {
            sink.Add(RuleIds.RegulationsAuthority, new(
                "县级、乡镇级机关无规章制定权，规章一行应为0",
                "County and township agencies cannot make regulations (规章): the regulations row should be 0"), cells);
        }
    }

    public static void PublishedBeforePeriodEnd(ReportUnderReview subject, ViolationSink sink)
    {
        var report = subject.Report;
        var periodEnd = new DateOnly(Math.Clamp(report.Year, 1, 9999), 12, 31);
        if (report.PublishedOn is { } publishedOn && publishedOn <= periodEnd)
        {
            sink.Add(RuleIds.PublishedBeforePeriodEnd, new(
                $"发布日期{Iso(publishedOn)}不晚于统计截止日{Iso(periodEnd)}",
                $"Published on {Iso(publishedOn)}, not after the end of the reporting period ({Iso(periodEnd)})"),
                [new("/publishedOn", Iso(publishedOn)), new("/year", report.Year)]);
        }
    }

    /// <summary>Without a date neither date rule can be checked; the report is still a report, with this warning.</summary>
    public static void PublishedOnUnknown(ReportUnderReview subject, ViolationSink sink)
    {
        if (subject.Report.PublishedOn is null)
        {
            sink.Add(RuleIds.PublishedOnUnknown, new(
                "未给出发布日期，无法检查发布期限（REPORT.LATE、REPORT.PUBLISHED_BEFORE_PERIOD_END）",
                "No publication date: the date rules (REPORT.LATE, REPORT.PUBLISHED_BEFORE_PERIOD_END) were not checked"),
                [new("/publishedOn", null, Missing: true)]);
        }
    }

    public static void Late(ReportUnderReview subject, ViolationSink sink)
    {
        var report = subject.Report;
        if (report.Year is < 1 or >= 9999)
        {
            return;
        }

        var deadline = Deadline(report.Agency, report.Year);
        if (report.PublishedOn is { } publishedOn && publishedOn > deadline)
        {
            sink.Add(RuleIds.Late, new(
                $"发布日期{Iso(publishedOn)}晚于法定期限{Iso(deadline)}",
                $"Published on {Iso(publishedOn)}, after the statutory deadline {Iso(deadline)}"),
                [new("/publishedOn", Iso(publishedOn)), new("/agency/level", Name(report.Agency.Level)), new("/agency/scope", Name(report.Agency.Scope))]);
        }
    }

    internal static DateOnly Deadline(Agency agency, int year) => Deadlines.For(agency.Level, agency.Kind, agency.Scope, year);

    public static void CreditCodeRegion(ReportUnderReview subject, ViolationSink sink)
    {
        var agency = subject.Report.Agency;
        if (agency.Level == AgencyLevel.National
            || CreditCode.Check(agency.CreditCode) != CreditCodeProblem.None
            || !RegionCode.TryNormalize(agency.RegionCode, out var region))
        {
            return;
        }

        var creditRegion = CreditCode.RegionPart(agency.CreditCode);
        if (!RegionCode.CreditRegionMatches(region, creditRegion))
        {
            sink.Add(RuleIds.CreditCodeRegion, new(
                $"统一社会信用代码中的行政区划（{creditRegion}）与机关所在区划（{agency.RegionCode}）不一致",
                $"The credit code's area ({creditRegion}) is not the agency's region ({agency.RegionCode})"),
                [new("/agency/creditCode", agency.CreditCode), new("/agency/regionCode", agency.RegionCode)]);
        }
    }

    public static void OverviewLength(ReportUnderReview subject, ViolationSink sink)
    {
        var overview = subject.Report.Text.Overview;
        if (subject.Report.Format != ReportFormats.Format2021 || overview.Length <= OverviewLimit)
        {
            return;
        }

        var length = 0;
        foreach (var rune in overview.EnumerateRunes())
        {
            if (!Rune.IsWhiteSpace(rune))
            {
                length++;
            }
        }

        if (length > OverviewLimit)
        {
            sink.Add(RuleIds.OverviewLength, new(
                $"总体情况共{length}字，超过{OverviewLimit}字",
                $"The overview has {length} characters, more than {OverviewLimit}"),
                [new("/text/overview", length)], OverviewLimit, length);
        }
    }

    internal static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Name<T>(T value) where T : struct, Enum
    {
        var name = value.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }
}
