using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ReportService.Statutory.Model;
using ReportService.Statutory.Tables;
using ReportService.TestSupport;

namespace ReportService.Extraction.Tests;

/// <summary>Report pages: tables with merged header cells, blank cells, layout wrappers, scripts.</summary>
public sealed class HtmlExtractionTests
{
    [Theory]
    [InlineData(ReportFormats.Format2021)]
    [InlineData(ReportFormats.Format2019)]
    public void Generated_pages_with_merged_headers_extract_back_cell_for_cell(string format)
    {
        for (var seed = 0; seed < 40; seed++)
        {
            var random = new Random(3000 + seed);
            var report = ReportGenerator.Generate(random, format);
            string? blanked = null;
            if (random.Next(2) == 0)
            {
                var pointers = Comparison.Pointers(format).ToList();
                blanked = pointers[random.Next(pointers.Count)];
                var segments = blanked.Split('/', StringSplitOptions.RemoveEmptyEntries);
                var parent = segments[..^1].Aggregate((JsonNode)report, (node, s) => node[s]!).AsObject();
                parent.Remove(segments[^1]);
            }

            var result = ReportExtractor.FromHtml(Page(report, wrapInLayoutTable: random.Next(2) == 0));
            var differences = Comparison.Differences(report, result);
            Assert.True(differences.Count == 0, $"seed {seed}, {format}, blanked {blanked}:\n{Comparison.Describe(differences)}");
            if (blanked is not null)
            {
                Assert.Equal(ExtractionStatus.Missing, result.Cell(blanked)!.Status);
            }
        }
    }

    [Fact]
    public void A_cell_is_traced_to_its_table_row_and_cell()
    {
        var report = ReportGenerator.Generate(new Random(7), ReportFormats.Format2021);
        var result = ReportExtractor.FromHtml(Page(report, wrapInLayoutTable: false));

        var received = result.Cell("/requests/received/naturalPerson")!;
        Assert.Equal(ExtractionStatus.Read, received.Status);
        // Table 3 is the second table; its header takes rows 0–2, 一、本年新收 is row 3, its label cell is cell 0.
        Assert.Equal(new HtmlCellPosition(1, 3, 1), received.Source!.Html);
        var appeals = result.Cell("/appeals/litigationAfterReconsideration/total")!;
        Assert.Equal(new HtmlCellPosition(2, 3, 14), appeals.Source!.Html);
    }

    [Fact]
    public void Scripts_and_styles_are_not_read()
    {
        var report = ReportGenerator.Generate(new Random(8), ReportFormats.Format2021);
        var page = Page(report, wrapInLayoutTable: false).Replace("<body>",
            "<body><script>var t = '一、本年新收政府信息公开申请数量 9 9 9 9 9 9 54';</script><style>td{x:1}</style>", StringComparison.Ordinal);

        Assert.Empty(Comparison.Differences(report, ReportExtractor.FromHtml(page)));
    }

    [Fact]
    public void A_table_that_is_not_a_table_is_read_from_the_paragraphs()
    {
        var report = ReportGenerator.Generate(new Random(9), ReportFormats.Format2021);
        var text = new ReportRenderer(TextLayout.Spaces, new Random(9)).Render(report);
        var page = "<html><body>" + string.Concat(text.Split('\n').Select(l => "<p>" + WebUtility.HtmlEncode(l) + "</p>")) + "</body></html>";

        Assert.Empty(Comparison.Differences(report, ReportExtractor.FromHtml(page)));
    }

    /// <summary>
    /// The page as report sites publish it: the national form's tables with rowspan/colspan headers and group
    /// labels, &amp;nbsp; for blank cells, optionally inside a layout table.
    /// </summary>
    internal static string Page(JsonObject report, bool wrapInLayoutTable)
    {
        var format = report["format"]!.GetValue<string>();
        var html = new StringBuilder();
        html.Append("<html><head><title>年报</title><style>p{margin:0}</style></head><body>");
        if (wrapInLayoutTable)
        {
            html.Append("<table class=\"layout\"><tr><td class=\"nav\">首页 &gt; 政府信息公开年报</td><td>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<h1>{report["agency"]!["name"]}{report["year"]}年政府信息公开工作年度报告</h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p>一、总体情况</p><p>{report["text"]!["overview"]}</p><p>二、主动公开政府信息情况</p>");
        html.Append("<table border=\"1\">");
        foreach (var (item, header, rows) in Table2Blocks(format))
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td colspan=\"4\">{item}</td></tr><tr><td>信息内容</td>");
            foreach (var h in header)
            {
                html.Append(CultureInfo.InvariantCulture, $"<td>{h}</td>");
            }

            html.Append("</tr>");
            foreach (var (label, key, cells) in rows)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{label}</td>");
                foreach (var cell in cells)
                {
                    html.Append(CultureInfo.InvariantCulture, $"<td><p align=\"center\">{Value(report, $"/activeDisclosure/{key}/{cell}")}</p></td>");
                }

                html.Append("</tr>");
            }
        }

        html.Append("</table><p>三、收到和处理政府信息公开申请情况</p><table border=\"1\">");
        html.Append("<tr><td colspan=\"3\" rowspan=\"3\">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan=\"7\">申请人情况</td></tr>");
        html.Append("<tr><td rowspan=\"2\">自然人</td><td colspan=\"5\">法人或其他组织</td><td rowspan=\"2\">总计</td></tr>");
        html.Append("<tr><td>商业<br/>企业</td><td>科研<br/>机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>");
        var rows3 = Table3.RowsOf(format);
        foreach (var row in rows3)
        {
            html.Append("<tr>");
            var label = ReportRenderer.Table3Label(row.Key);
            html.Append(row.Key switch
            {
                "received" or "carriedOver" or "carriedForward" => $"<td colspan=\"3\">{label}</td>",
                "disclosed" => $"<td rowspan=\"{rows3.Count - 3}\">三、本年度办理结果</td><td colspan=\"2\">（一）予以公开</td>",
                "total" or "partiallyDisclosed" or "otherDisposal" => $"<td colspan=\"2\">{label}</td>",
                _ => GroupCell(row.Key, label, format),
            });
            foreach (var column in Table3.Columns)
            {
                html.Append(CultureInfo.InvariantCulture, $"<td>{Value(report, row.CellPointer(column))}</td>");
            }

            html.Append("</tr>");
        }

        html.Append("</table><p>四、政府信息公开行政复议、行政诉讼情况</p><table border=\"1\">");
        html.Append("<tr><td colspan=\"5\">行政复议</td><td colspan=\"10\">行政诉讼</td></tr>");
        html.Append("<tr><td rowspan=\"2\">结果维持</td><td rowspan=\"2\">结果纠正</td><td rowspan=\"2\">其他结果</td><td rowspan=\"2\">尚未审结</td><td rowspan=\"2\">总计</td><td colspan=\"5\">未经复议直接起诉</td><td colspan=\"5\">复议后起诉</td></tr>");
        html.Append("<tr><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr><tr>");
        foreach (var group in Table4.Groups)
        {
            foreach (var field in Table4.Fields)
            {
                html.Append(CultureInfo.InvariantCulture, $"<td>{Value(report, group.CellPointer(field))}</td>");
            }
        }

        html.Append(CultureInfo.InvariantCulture, $"</tr></table><p>五、存在的主要问题及改进情况</p><p>{report["text"]!["problemsAndImprovements"]}</p>");
        html.Append(CultureInfo.InvariantCulture, $"<p>六、其他需要报告的事项</p><p>{report["text"]!["otherMatters"]}</p>");
        if (report["publishedOn"]?.GetValue<string>() is { } date)
        {
            var d = DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            html.Append(CultureInfo.InvariantCulture, $"<p style=\"text-align:right\">{d.Year}年{d.Month}月{d.Day}日</p>");
        }

        if (wrapInLayoutTable)
        {
            html.Append("</td></tr></table>");
        }

        html.Append("<script>document.title='x'</script></body></html>");
        return html.ToString();
    }

    private static string GroupCell(string key, string label, string format)
    {
        // The group label （三）不予公开 etc. spans its rows; the row label follows it.
        var groupRows = new Dictionary<string, (string Label, int Rows)>
        {
            ["withheld.stateSecret"] = ("（三）不予公开", 8),
            ["unableToProvide.notHeld"] = ("（四）无法提供", 3),
            ["notProcessed.complaintOrPetition"] = ("（五）不予处理", 5),
            ["otherDisposal.correctionOverdue"] = ("（六）其他处理", 3),
        };
        var rowLabel = label;
        foreach (var g in groupRows.Values)
        {
            if (rowLabel.StartsWith(g.Label, StringComparison.Ordinal))
            {
                rowLabel = rowLabel[g.Label.Length..];
            }
        }

        return groupRows.TryGetValue(key, out var group) && (format == ReportFormats.Format2021 || key != "otherDisposal.correctionOverdue")
            ? $"<td rowspan=\"{group.Rows}\">{group.Label}</td><td>{rowLabel}</td>"
            : $"<td>{rowLabel}</td>";
    }

    private static string Value(JsonObject report, string pointer) =>
        Comparison.Expected(report, pointer)?.ToString(CultureInfo.InvariantCulture) ?? "&nbsp;";

    private static IEnumerable<(string Item, string[] Header, (string Label, string Key, string[] Cells)[] Rows)> Table2Blocks(string format) =>
        format == ReportFormats.Format2019
            ?
            [
                ("第二十条第（一）项", ["本年新<br/>制作数量", "本年新<br/>公开数量", "对外公开总数量"], [("规章", "regulations", ["created", "published", "totalPublished"]), ("规范性文件", "normativeDocuments", ["created", "published", "totalPublished"])]),
                ("第二十条第（五）项", ["上一年项目数量", "本年增/减", "处理决定数量"], [("行政许可", "licensing", ["itemsLastYear", "itemsChange", "decisions"]), ("其他对外管理服务事项", "otherServices", ["itemsLastYear", "itemsChange", "decisions"])]),
                ("第二十条第（六）项", ["上一年项目数量", "本年增/减", "处理决定数量"], [("行政处罚", "penalties", ["itemsLastYear", "itemsChange", "decisions"]), ("行政强制", "coercion", ["itemsLastYear", "itemsChange", "decisions"])]),
                ("第二十条第（八）项", ["上一年项目数量", "本年增/减"], [("行政事业性收费", "fees", ["itemsLastYear", "itemsChange"])]),
                ("第二十条第（九）项", ["采购项目数量", "采购总金额"], [("政府集中采购", "procurement", ["projects", "amountYuan"])]),
            ]
            :
            [
                ("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"], [("规章", "regulations", ["issued", "repealed", "inForce"]), ("行政规范性文件", "normativeDocuments", ["issued", "repealed", "inForce"])]),
                ("第二十条第（五）项", ["本年处理决定数量"], [("行政许可", "licensing", ["decisions"])]),
                ("第二十条第（六）项", ["本年处理决定数量"], [("行政处罚", "penalties", ["decisions"]), ("行政强制", "coercion", ["decisions"])]),
                ("第二十条第（八）项", ["本年收费金额（单位：万元）"], [("行政事业性收费", "fees", ["amount"])]),
            ];
}
