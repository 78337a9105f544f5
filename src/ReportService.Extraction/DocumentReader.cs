using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ReportService.Statutory.Model;

namespace ReportService.Extraction;

/// <summary>What a report says about itself outside the tables: year, date, agency name, the text sections.</summary>
internal static partial class DocumentReader
{
    /// <summary>The report year: from the title, then from the statistical period, then (inferred) from the years the text names most.</summary>
    public static ExtractedField<int?> Year(SourceText source)
    {
        foreach (var pattern in (Regex[])[TitleYear(), PeriodYear()])
        {
            foreach (Match match in pattern.Matches(source.Text))
            {
                if (int.TryParse(match.Groups["y"].ValueSpan, CultureInfo.InvariantCulture, out var year) && year is >= 2000 and <= 2100 &&
                    !NamedInASentence(source.Text, match.Index))
                {
                    return new(year, ExtractionStatus.Read, source.SourceOf(match.Groups["y"].Index, 4));
                }
            }
        }

        var overview = Sections(source).Overview;
        var (start, end) = overview ?? (0, Math.Min(source.Length, 1500));
        var mentioned = MentionedYear().Matches(source.Text[start..end])
            .Select(m => m.Groups["y"])
            .GroupBy(g => g.Value)
            .OrderByDescending(g => g.Count())
            .ThenByDescending(g => g.Key, StringComparer.Ordinal)
            .FirstOrDefault();
        if (mentioned is not null)
        {
            var first = mentioned.First();
            return new(int.Parse(first.Value, CultureInfo.InvariantCulture), ExtractionStatus.Inferred, source.SourceOf(start + first.Index, 4),
                "no title or statistical period printed: the year the overview names most often");
        }

        return new(null, ExtractionStatus.Missing, null, "no report year found");
    }

    /// <summary>
    /// True when a title stands in 《》 inside a sentence ("公开发布《…2021年政府信息公开工作年度报告》"): that names another
    /// report (usually last year's), not this one, whose title stands on a line of its own.
    /// </summary>
    private static bool NamedInASentence(string text, int index)
    {
        var lineStart = text.LastIndexOf('\n', Math.Max(0, index - 1)) + 1;
        var open = text.LastIndexOf('《', index, index - lineStart + 1 > 0 ? index - lineStart + 1 : 0);
        if (open < 0 || text.IndexOf('》', open, index - open) >= 0)
        {
            return false;
        }

        return !string.IsNullOrWhiteSpace(text[lineStart..open]);
    }

    /// <summary>The agency's name as printed before the year in the title (《X2023年政府信息公开工作年度报告》, or a title line).</summary>
    public static ExtractedField<string> AgencyName(SourceText source)
    {
        foreach (Match match in TitleName().Matches(source.Text).Concat(YearFirstTitleName().Matches(source.Text)).Concat(NameAboveYearTitle().Matches(source.Text)))
        {
            var group = match.Groups["name"];
            var name = source.Original.Substring(group.Index, group.Length).Trim();
            var normalized = SourceText.NormalizeString(name);
            if (normalized.StartsWith("关于", StringComparison.Ordinal))
            {
                name = name[2..];
            }

            if (FullNameAbove(source, group.Index, name) is { } above)
            {
                return new(source.Original.Substring(above.Start, above.Length), ExtractionStatus.Read, source.SourceOf(above.Start, above.Length),
                    "the full name printed above the title");
            }

            if (name.Length >= 2)
            {
                return new(name, ExtractionStatus.Read, source.SourceOf(group.Index + (group.Length - name.Length), name.Length));
            }
        }

        return new(null, ExtractionStatus.Missing, null, "no agency name printed in a title");
    }

    /// <summary>
    /// A title may print a short name ("旧县镇 2023 年…") under a line with the full one ("河曲县旧县镇人民政府"): the
    /// line just above, when it is nothing but an agency's name ending in the short one or in 人民政府.
    /// </summary>
    private static (int Start, int Length)? FullNameAbove(SourceText source, int titleStart, string shortName)
    {
        var text = source.Text;
        var lineStart = text.LastIndexOf('\n', Math.Max(0, titleStart - 1));
        var end = lineStart;
        while (end > 0 && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        if (end <= 0)
        {
            return null;
        }

        var start = text.LastIndexOf('\n', end - 1) + 1;
        var line = text[start..end].Trim();
        var offset = start + text[start..end].IndexOf(line, StringComparison.Ordinal);
        var normalizedShort = SourceText.NormalizeString(shortName);
        var isName = line.Length is >= 4 and <= 40 && line.All(c => c is >= '\u4E00' and <= '\u9FFF' or '(' or ')') &&
            (line.EndsWith("人民政府", StringComparison.Ordinal) || line.EndsWith("办事处", StringComparison.Ordinal)) &&
            line.Contains(normalizedShort.Replace("人民政府", "", StringComparison.Ordinal), StringComparison.Ordinal);
        return isName ? (offset, line.Length) : null;
    }

    /// <summary>The date printed on its own line at the end, or the page's publication date (发布日期/发布时间).</summary>
    public static ExtractedField<DateOnly?> PublishedOn(SourceText source)
    {
        var end = EndDate().Match(source.Text);
        var signed = SignatureDate().Matches(source.Text).LastOrDefault() ?? (end.Success ? end : null);
        if (signed is not null && ToDate(signed) is { } date)
        {
            return new(date, ExtractionStatus.Read, source.SourceOf(signed.Groups["d"].Index, signed.Groups["d"].Length));
        }

        var page = PageDate().Match(source.Text);
        if (page.Success && ToDate(page) is { } pageDate)
        {
            return new(pageDate, ExtractionStatus.Read, source.SourceOf(page.Groups["d"].Index, page.Groups["d"].Length), "the page's publication date");
        }

        return new(null, ExtractionStatus.Missing, null, "no date printed");
    }

    private static DateOnly? ToDate(Match match)
    {
        var y = int.Parse(match.Groups["y"].ValueSpan, CultureInfo.InvariantCulture);
        var m = int.Parse(match.Groups["m"].ValueSpan, CultureInfo.InvariantCulture);
        var d = int.Parse(match.Groups["day"].ValueSpan, CultureInfo.InvariantCulture);
        return y is >= 2000 and <= 2100 && m is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, m) ? new DateOnly(y, m, d) : null;
    }

    /// <summary>The spans of sections 一、五、六 (text after the heading up to the next heading).</summary>
    public static ((int, int)? Overview, (int, int)? Problems, (int, int)? Other) Sections(SourceText source)
    {
        var one = source.FindAny(["一、总体情况", "一、概述", "一、工作基本情况", "一、基本情况"], 0, source.Length);
        var two = source.FindAny(["二、主动公开政府信息", "二、主动公开"], one?.End ?? 0, source.Length);
        var five = source.FindAny(["五、存在的主要问题", "五、存在问题", "五、政府信息公开工作存在", "五、主要问题"], two?.End ?? one?.End ?? 0, source.Length);
        var six = source.FindAny(["六、其他需要报告", "六、其它需要报告", "六、其他需报告", "六、其他"], five?.End ?? 0, source.Length);

        (int, int)? overview = one is { } o ? (LineEnd(source, o.End), two?.Start ?? Next(source, o.End)) : null;
        (int, int)? problems = five is { } f ? (LineEnd(source, f.End), six?.Start ?? source.Length) : null;
        (int, int)? other = six is { } s ? (LineEnd(source, s.End), source.Length) : null;
        return (overview, problems, other);
    }

    public static ExtractedText Text(SourceText source)
    {
        var (overview, problems, other) = Sections(source);
        return new ExtractedText(
            overview is { } o ? Clean(source, o.Item1, o.Item2, false) : null,
            problems is { } p ? Clean(source, p.Item1, p.Item2, false) : null,
            other is { } x ? Clean(source, x.Item1, x.Item2, true) : null);
    }

    private static int Next(SourceText source, int from) =>
        source.FindAny(["三、收到和处理", "二、"], from, source.Length)?.Start ?? source.Length;

    /// <summary>A heading's own line ends the heading (its words can run on: "一、总体情况" of "一、总体情况和工作成效").</summary>
    private static int LineEnd(SourceText source, int offset)
    {
        var newline = source.Text.IndexOf('\n', offset);
        var line = newline < 0 ? source.Text[offset..] : source.Text[offset..newline];
        return line.Length <= 20 && !line.Contains('。') ? (newline < 0 ? source.Length : newline + 1) : offset;
    }

    /// <summary>
    /// The section's paragraphs, one per line, without the markdown marks some pages carry; the last section
    /// loses the signature block (the agency's name and the date on lines of their own).
    /// </summary>
    private static string Clean(SourceText source, int start, int end, bool last)
    {
        var lines = source.Original[start..end].Split('\n')
            .Select(l => MarkdownMarks().Replace(l, "").Trim())
            .Where(l => l.Length > 0)
            .ToList();
        if (last)
        {
            while (lines.Count > 0 && (SignatureDate().IsMatch(SourceText.NormalizeString(lines[^1]) + "\n") || IsSignature(lines[^1])))
            {
                lines.RemoveAt(lines.Count - 1);
            }
        }

        var text = new StringBuilder();
        foreach (var line in lines)
        {
            if (text.Length > 0)
            {
                text.Append('\n');
            }

            text.Append(line);
        }

        return text.ToString();
    }

    private static bool IsSignature(string line) =>
        line.Length <= 30 && !line.Contains('。') && !line.Contains('，') && !line.Contains(',') &&
        (line.EndsWith("人民政府", StringComparison.Ordinal) || line.EndsWith("办事处", StringComparison.Ordinal) ||
         line.EndsWith("政府", StringComparison.Ordinal) || line.EndsWith('局') || line.EndsWith("办公室", StringComparison.Ordinal) ||
         line.EndsWith('镇') || line.EndsWith('乡'));

    /// <summary>Level and kind as the name says them (乡/镇/街道 → township, 县/区 → county, …); a person confirms.</summary>
    public static (AgencyLevel? Level, AgencyKind? Kind) LevelAndKind(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return (null, null);
        }

        var n = SourceText.NormalizeString(name);
        var government = n.EndsWith("人民政府", StringComparison.Ordinal) || n.EndsWith("政府", StringComparison.Ordinal) || n.EndsWith("办事处", StringComparison.Ordinal) || n.EndsWith('乡') || n.EndsWith('镇');
        var kind = government ? AgencyKind.Government : AgencyKind.Department;
        var head = government ? n : n[..Math.Max(1, n.Length - 2)];
        AgencyLevel? level = head switch
        {
            _ when n.Contains("街道", StringComparison.Ordinal) || head.EndsWith("乡人民政府", StringComparison.Ordinal) || head.EndsWith("镇人民政府", StringComparison.Ordinal) || n.EndsWith('乡') || n.EndsWith('镇') || n.EndsWith("镇政府", StringComparison.Ordinal) || n.EndsWith("乡政府", StringComparison.Ordinal) => AgencyLevel.Township,
            _ when head.Contains('省') || head.Contains("自治区", StringComparison.Ordinal) => AgencyLevel.Province,
            _ when head.Contains('县') || head.Contains('区') || head.Contains('旗') => AgencyLevel.County,
            _ when head.Contains('市') || head.Contains('州') || head.Contains('盟') => AgencyLevel.City,
            _ when n.StartsWith("国家", StringComparison.Ordinal) || n.StartsWith("中华人民共和国", StringComparison.Ordinal) || n.EndsWith('部') => AgencyLevel.National,
            _ => null,
        };
        return (level, kind);
    }

    [GeneratedRegex(@"(?<y>20\d\d)\s*年\s*度?\s*(?:政府)?\s*信\s*息\s*公\s*开\s*(?:工\s*作)?\s*(?:年\s*度)?\s*(?:情\s*况\s*的?)?\s*(?:年\s*度)?\s*(?:报\s*告|年\s*报)")]
    private static partial Regex TitleYear();

    [GeneratedRegex(@"统计(?:期限|时限|时间|区间)[^。\n]{0,12}?(?<y>20\d\d)\s*年?\s*0?1\s*月\s*0?1\s*日")]
    private static partial Regex PeriodYear();

    [GeneratedRegex(@"(?<y>20\d\d)\s*年")]
    private static partial Regex MentionedYear();

    [GeneratedRegex(@"(?:^|\n|《)[ \t#*]*(?:(?:标题|题名|名称)[ \t]*:[ \t]*)?(?<name>[\u4E00-\u9FFF()]{2,40}?)[ \t]*20\d\d\s*年\s*度?\s*(?:政府)?\s*信息公开", RegexOptions.ExplicitCapture)]
    private static partial Regex TitleName();

    /// <summary>"2019年上海市人民政府办公厅政府信息公开工作年度报告": the year first, then a name that ends like an agency's.</summary>
    [GeneratedRegex(@"(?:^|\n|《)[ \t#*]*20\d\d\s*年\s*度?\s*(?<name>(?![我本该])[\u4E00-\u9FFF()]{1,38}?(?:人民政府|政府|办公厅|办公室|委员会|街道办事处|办事处|局|厅|委|办|署|部|中心|镇|乡))\s*政府信息公开\s*(?:工作)?\s*(?:年度)?\s*(?:报告|年报)", RegexOptions.ExplicitCapture)]
    private static partial Regex YearFirstTitleName();

    /// <summary>
    /// A title broken after the name, as a PDF's centred title lines come out: "淮安市人民政府" on a line of its own,
    /// "2024 年政府信息公开工作年度报告" on the next; only a name that ends like an agency's.
    /// </summary>
    [GeneratedRegex(@"(?:^|\n)[ \t]*(?<name>[\u4E00-\u9FFF()]{1,38}?(?:人民政府|政府|办公厅|办公室|委员会|街道办事处|办事处|局|厅|委|办|署|部|中心|镇|乡))[ \t]*\n[ \t]*20\d\d\s*年\s*度?\s*(?:政府)?\s*信息公开", RegexOptions.ExplicitCapture)]
    private static partial Regex NameAboveYearTitle();

    [GeneratedRegex(@"(?:^|\n)[ \t]*(?<d>(?<y>20\d\d)\s*年\s*(?<m>\d{1,2})\s*月\s*(?<day>\d{1,2})\s*日)[ \t]*(?=\n|$)")]
    private static partial Regex SignatureDate();

    /// <summary>A date that ends the document (a report run together on one line still ends with its date).</summary>
    [GeneratedRegex(@"\s(?<d>(?<y>20\d\d)\s*年\s*(?<m>\d{1,2})\s*月\s*(?<day>\d{1,2})\s*日)\s*$")]
    private static partial Regex EndDate();

    [GeneratedRegex(@"(?:发布日期|发布时间|发文日期|成文日期)\s*[:]?\s*(?<d>(?<y>20\d\d)\s*[-/.年]\s*(?<m>\d{1,2})\s*[-/.月]\s*(?<day>\d{1,2}))")]
    private static partial Regex PageDate();

    [GeneratedRegex(@"^#+\s*|\*\*")]
    private static partial Regex MarkdownMarks();
}
