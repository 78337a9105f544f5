using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ReportService.Statutory.Model;
using ReportService.Statutory.Tables;

namespace ReportService.Extraction.Tests;

/// <summary>The ways published reports lay their tables out as text (issue 15, "The layouts real published reports use").</summary>
public enum TextLayout
{
    /// <summary>Cells separated by tabs (copied from a page's table).</summary>
    Tabs,

    /// <summary>Cells separated by runs of spaces (column-aligned text from a PDF).</summary>
    Spaces,

    /// <summary>The label on one line, then every cell on a line of its own.</summary>
    OnePerLine,

    /// <summary>Markdown tables: "| label | 0 | 0 |".</summary>
    Markdown,

    /// <summary>One cell per line, each ending in " |" (what several sites' exports look like).</summary>
    PipeLines,

    /// <summary>The label and every cell on lines of their own, "|" alone on the lines between them.</summary>
    SeparatorLines,

    /// <summary>Tabs, with full-width digits (０１２) and full-width punctuation.</summary>
    FullWidth,

    /// <summary>Tabs, with random extra spaces around cells, labels spaced out and blank lines between rows.</summary>
    Shuffled,

    /// <summary>The whole report on one line, single spaces between cells.</summary>
    OneLine,

    /// <summary>Column-aligned text (a PDF's text with its layout): table 3's cells centred under one header line, blanks as gaps.</summary>
    Aligned,

    /// <summary>No separator at all between the cells of a row: "（一）予以公开7000007".</summary>
    RunTogether,

    /// <summary>
    /// Run together and the whole report on one line, no separator anywhere (DevSet d26–d32, a crawler's text of a
    /// page): a row's digits run into the next row's number and into the headings ("00000002.其他…", "1000001三、本年度…").
    /// </summary>
    RunTogetherOneLine,

    /// <summary>
    /// What document converters make of the tables (DevSet d23): every table-3 row under a heading of its own, a
    /// header of placeholders ("| 类别 | 数据1 | … |"), then the row with its label printed again; table 4 as three
    /// small tables, one per group.
    /// </summary>
    Sectioned,
}

/// <summary>Renders a report JSON as the text of a published report in a given layout; blank cells stay blank.</summary>
internal sealed class ReportRenderer(TextLayout layout, Random random)
{
    private readonly StringBuilder _out = new();

    public static readonly IReadOnlyList<TextLayout> Positional =
        [TextLayout.Tabs, TextLayout.Spaces, TextLayout.OnePerLine, TextLayout.Markdown, TextLayout.PipeLines, TextLayout.SeparatorLines, TextLayout.FullWidth, TextLayout.Shuffled, TextLayout.OneLine, TextLayout.Sectioned];

    public string Render(JsonObject report)
    {
        var format = report["format"]!.GetValue<string>();
        var year = report["year"]!.GetValue<int>();
        // A crawler's copy heads the page with its metadata: "标题: X2024年度政府信息公开工作年度报告" (DevSet d26–d32).
        var crawled = (layout is TextLayout.Shuffled or TextLayout.RunTogetherOneLine) && random.Next(2) == 0;
        if (layout == TextLayout.Spaces && random.Next(2) == 0)
        {
            // A PDF's centred title comes out broken after the name (the 淮安市 2024 PDF of DevSet/README.md).
            Line($"        {report["agency"]!["name"]}");
            Line($"   {year} 年政府信息公开工作年度报告");
        }
        else
        {
            Line($"{(crawled ? "标题: " : "")}{report["agency"]!["name"]}{year}年{(crawled ? "度" : "")}政府信息公开工作年度报告");
        }
        Line("一、总体情况");
        Line(report["text"]!["overview"]!.GetValue<string>());
        Line("二、主动公开政府信息情况");
        if (format == ReportFormats.Format2019)
        {
            Table2Of2019(report);
        }
        else
        {
            Table2Of2021(report);
        }

        Line("三、收到和处理政府信息公开申请情况");
        Row("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", ["申请人情况"], header: true);
        if (layout == TextLayout.Aligned)
        {
            Line(AlignedLine("", Table3.Columns.Select(c => c.Label.Chinese)));
            foreach (var row in Table3.RowsOf(format))
            {
                Line(AlignedLine(Table3Label(row.Key), Cells(report, Table3.Columns.Select(row.CellPointer))));
            }
        }
        else if (layout == TextLayout.Sectioned)
        {
            foreach (var row in Table3.RowsOf(format))
            {
                Line("### " + Table3Label(row.Key));
                Line("| 类别 | 数据1 | 数据2 | 数据3 | 数据4 | 数据5 | 数据6 | 总计 |");
                Line("|---|---|---|---|---|---|---|---|");
                Row(Table3Label(row.Key), Cells(report, Table3.Columns.Select(row.CellPointer)));
            }
        }
        else
        {
            Row("自然人", ["法人或其他组织", "总计"], header: true);
            Row("商业企业", ["科研机构", "社会公益组织", "法律服务机构", "其他"], header: true);
            foreach (var row in Table3.RowsOf(format))
            {
                Row(Table3Label(row.Key), Cells(report, Table3.Columns.Select(row.CellPointer)));
            }
        }

        Line("四、政府信息公开行政复议、行政诉讼情况");
        if (layout == TextLayout.Sectioned)
        {
            foreach (var (group, heading) in Table4.Groups.Zip(["### 行政复议", "### 行政诉讼（未经复议直接起诉）", "### 行政诉讼（复议后起诉）"]))
            {
                Line(heading);
                Line("| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |");
                Line("|---|---|---|---|---|");
                Line("| " + string.Concat(Cells(report, Table4.Fields.Select(group.CellPointer)).Select(c => (c ?? "") + " | ")));
            }
        }
        else
        {
            Row("行政复议", ["行政诉讼"], header: true);
            Row("结果维持", ["结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"], header: true);
            Row("结果维持", ["结果纠正", "其他结果", "尚未审结", "总计", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"], header: true);
            Row("", Cells(report, Table4.Groups.SelectMany(g => Table4.Fields.Select(g.CellPointer))));
        }
        Line("五、存在的主要问题及改进情况");
        Line(report["text"]!["problemsAndImprovements"]!.GetValue<string>());
        Line("六、其他需要报告的事项");
        Line(report["text"]!["otherMatters"]!.GetValue<string>());
        if (report["publishedOn"]?.GetValue<string>() is { } date)
        {
            var d = DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            Line($"{d.Year}年{d.Month}月{d.Day}日");
        }

        var text = _out.ToString();
        return layout == TextLayout.FullWidth ? FullWidth(text) : text;
    }

    private void Table2Of2021(JsonObject report)
    {
        Row("第二十条第（一）项", [], header: true);
        Row("信息内容", ["本年制发件数", "本年废止件数", "现行有效件数"], header: true);
        Row("规章", Cells(report, "/activeDisclosure/regulations/", "issued", "repealed", "inForce"));
        Row("行政规范性文件", Cells(report, "/activeDisclosure/normativeDocuments/", "issued", "repealed", "inForce"));
        Row("第二十条第（五）项", [], header: true);
        Row("信息内容", ["本年处理决定数量"], header: true);
        Row("行政许可", Cells(report, "/activeDisclosure/licensing/", "decisions"));
        Row("第二十条第（六）项", [], header: true);
        Row("信息内容", ["本年处理决定数量"], header: true);
        Row("行政处罚", Cells(report, "/activeDisclosure/penalties/", "decisions"));
        Row("行政强制", Cells(report, "/activeDisclosure/coercion/", "decisions"));
        Row("第二十条第（八）项", [], header: true);
        Row("信息内容", ["本年收费金额（单位：万元）"], header: true);
        Row("行政事业性收费", Cells(report, "/activeDisclosure/fees/", "amount"));
    }

    private void Table2Of2019(JsonObject report)
    {
        Row("第二十条第（一）项", [], header: true);
        Row("信息内容", ["本年新制作数量", "本年新公开数量", "对外公开总数量"], header: true);
        Row("规章", Cells(report, "/activeDisclosure/regulations/", "created", "published", "totalPublished"));
        Row("规范性文件", Cells(report, "/activeDisclosure/normativeDocuments/", "created", "published", "totalPublished"));
        Row("第二十条第（五）项", [], header: true);
        Row("信息内容", ["上一年项目数量", "本年增/减", "处理决定数量"], header: true);
        Row("行政许可", Cells(report, "/activeDisclosure/licensing/", "itemsLastYear", "itemsChange", "decisions"));
        Row("其他对外管理服务事项", Cells(report, "/activeDisclosure/otherServices/", "itemsLastYear", "itemsChange", "decisions"));
        Row("第二十条第（六）项", [], header: true);
        Row("信息内容", ["上一年项目数量", "本年增/减", "处理决定数量"], header: true);
        Row("行政处罚", Cells(report, "/activeDisclosure/penalties/", "itemsLastYear", "itemsChange", "decisions"));
        Row("行政强制", Cells(report, "/activeDisclosure/coercion/", "itemsLastYear", "itemsChange", "decisions"));
        Row("第二十条第（八）项", [], header: true);
        Row("信息内容", ["上一年项目数量", "本年增/减"], header: true);
        Row("行政事业性收费", Cells(report, "/activeDisclosure/fees/", "itemsLastYear", "itemsChange"));
        Row("第二十条第（九）项", [], header: true);
        Row("信息内容", ["采购项目数量", "采购总金额"], header: true);
        Row("政府集中采购", Cells(report, "/activeDisclosure/procurement/", "projects", "amountYuan"));
    }

    internal static string Table3Label(string key) => key switch
    {
        "received" => "一、本年新收政府信息公开申请数量",
        "carriedOver" => "二、上年结转政府信息公开申请数量",
        "disclosed" => "三、本年度办理结果（一）予以公开",
        "partiallyDisclosed" => "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "withheld.stateSecret" => "（三）不予公开1.属于国家秘密",
        "withheld.prohibitedByLaw" => "2.其他法律行政法规禁止公开",
        "withheld.securityOrStability" => "3.危及“三安全一稳定”",
        "withheld.thirdPartyRights" => "4.保护第三方合法权益",
        "withheld.internalAffairs" => "5.属于三类内部事务信息",
        "withheld.processInformation" => "6.属于四类过程性信息",
        "withheld.enforcementCaseFile" => "7.属于行政执法案卷",
        "withheld.administrativeQuery" => "8.属于行政查询事项",
        "unableToProvide.notHeld" => "（四）无法提供1.本机关不掌握相关政府信息",
        "unableToProvide.needsCreation" => "2.没有现成信息需要另行制作",
        "unableToProvide.unclearAfterCorrection" => "3.补正后申请内容仍不明确",
        "notProcessed.complaintOrPetition" => "（五）不予处理1.信访举报投诉类申请",
        "notProcessed.repeated" => "2.重复申请",
        "notProcessed.publication" => "3.要求提供公开出版物",
        "notProcessed.excessive" => "4.无正当理由大量反复申请",
        "notProcessed.confirmOrReissue" => "5.要求行政机关确认或重新出具已获取信息",
        "otherDisposal" => "（六）其他处理",
        "otherDisposal.correctionOverdue" => "（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "otherDisposal.feeUnpaid" => "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "otherDisposal.other" => "3.其他",
        "total" => "（七）总计",
        "carriedForward" => "四、结转下年度继续办理",
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, null),
    };

    private static string?[] Cells(JsonObject report, string prefix, params string[] keys) =>
        Cells(report, keys.Select(k => prefix + k));

    private static string?[] Cells(JsonObject report, IEnumerable<string> pointers) =>
        [.. pointers.Select(p => Comparison.Expected(report, p)?.ToString(CultureInfo.InvariantCulture))];

    /// <summary>A label, then each cell centred on its column (display columns: a Chinese character is two wide).</summary>
    private static string AlignedLine(string label, IEnumerable<string?> cells)
    {
        var line = new StringBuilder(label);
        var column = Width(label);
        var index = 0;
        foreach (var cell in cells)
        {
            var centre = 100 + (14 * index++);
            if (cell is null)
            {
                continue;
            }

            var start = centre - (Width(cell) / 2);
            line.Append(' ', Math.Max(1, start - column));
            line.Append(cell);
            column = Math.Max(start, column + 1) + Width(cell);
        }

        return line.ToString();
    }

    private static int Width(string text) => text.Sum(c => c is >= '\u2E80' and <= '\uFFE6' ? 2 : 1);

    private void Line(string text)
    {
        _out.Append(text);
        _out.Append(layout switch { TextLayout.OneLine => " ", TextLayout.RunTogetherOneLine => "", _ => "\n" });
    }

    /// <summary>A printed row; a null cell is blank (printed empty where the layout can show that).</summary>
    private void Row(string label, string?[] cells, bool header = false)
    {
        switch (layout)
        {
            case TextLayout.Tabs or TextLayout.FullWidth:
                Line(label + (cells.Length > 0 ? "\t" + string.Join('\t', cells.Select(c => c ?? "")) : ""));
                break;
            case TextLayout.Shuffled:
                var spaced = random.Next(3) == 0 ? string.Join(' ', label.ToCharArray()) : label;
                Line(spaced + string.Concat(cells.Select(c => "\t" + new string(' ', random.Next(3)) + (c ?? "") + new string(' ', random.Next(3)))));
                if (random.Next(4) == 0)
                {
                    Line("");
                }

                break;
            case TextLayout.Spaces or TextLayout.Aligned:
                // A PDF's column-aligned text wraps a long label's note in brackets onto the next line (DevSet d25).
                var wrapped = layout == TextLayout.Spaces && label.Contains("只计这一情", StringComparison.Ordinal) && random.Next(2) == 0
                    ? label.Replace("只计这一情", "只计这一情\n", StringComparison.Ordinal)
                    : label;
                Line(wrapped + string.Concat(cells.Select(c => new string(' ', random.Next(1, 7)) + (c ?? ""))));
                break;
            case TextLayout.OneLine:
                Line(label + string.Concat(cells.Select(c => " " + (c ?? ""))));
                break;
            case TextLayout.OnePerLine:
                Line(label);
                foreach (var cell in cells)
                {
                    Line(cell ?? "");
                }

                break;
            case TextLayout.Markdown or TextLayout.Sectioned:
                Line("| " + label + " | " + string.Concat(cells.Select(c => (c ?? "") + " | ")));
                if (header && label == "自然人")
                {
                    Line("|---|---|---|");
                }

                break;
            case TextLayout.PipeLines:
                Line(label + " |");
                foreach (var cell in cells)
                {
                    Line((cell ?? "") + " |");
                }

                break;
            case TextLayout.SeparatorLines:
                Line(label);
                Line("|");
                foreach (var cell in cells)
                {
                    if (cell is not null)
                    {
                        Line(cell);
                    }

                    Line("|");
                }

                break;
            case TextLayout.RunTogether or TextLayout.RunTogetherOneLine:
                Line(header ? label + string.Concat(cells) : label + string.Concat(cells.Select(c => c ?? "")));
                break;
            default:
                throw new InvalidOperationException($"No rendering for {layout}.");
        }
    }

    private static string FullWidth(string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsAsciiDigit(chars[i]))
            {
                chars[i] = (char)('０' + (chars[i] - '0'));
            }
            else if (chars[i] == '.')
            {
                chars[i] = '．';
            }
        }

        return new string(chars);
    }
}
