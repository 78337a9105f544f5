using ReportService.Extraction.Tables;
using ReportService.Statutory.Model;

namespace ReportService.Extraction;

/// <summary>
/// Reads the plain text of a published 政府信息公开工作年度报告 (as copied from its page or extracted from its
/// PDF) into a draft of the report JSON, saying for every statutory cell where it was read and how. Rules, not a
/// language model: rows are found by their labels, cells by the layout, and digits that ran together are split
/// only where the table's own identities leave one reading. Stateless and thread-safe.
/// </summary>
public static class ReportExtractor
{
    /// <summary>Longest document read, in characters: a report with every section runs to about 20,000.</summary>
    public const int MaxLength = 2_000_000;

    /// <summary>Extracts from plain text.</summary>
    /// <exception cref="ArgumentException">The text is longer than <see cref="MaxLength"/>.</exception>
    /// <param name="text">The report as plain text.</param>
    /// <param name="divisions">The division reference, to infer the agency's region from its name; without it no region is inferred.</param>
    public static ExtractionResult FromText(string text, DivisionIndex? divisions = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            throw new ArgumentException($"The document has {text.Length} characters; at most {MaxLength} are read.", nameof(text));
        }

        return Extract(new SourceText(text), null, divisions);
    }

    /// <summary>
    /// Extracts from an HTML page: tables are read cell by cell (merged header cells included), the rest as
    /// paragraphs, so a table that is not a table (text in &lt;p&gt;s) is read like plain text. Offsets and lines
    /// refer to the page rendered as text; <see cref="CellSource.Html"/> gives the table, row and cell.
    /// </summary>
    /// <exception cref="ArgumentException">The page is longer than <see cref="MaxLength"/>.</exception>
    /// <param name="html">The page.</param>
    /// <param name="divisions">The division reference, to infer the agency's region from its name.</param>
    public static ExtractionResult FromHtml(string html, DivisionIndex? divisions = null)
    {
        ArgumentNullException.ThrowIfNull(html);
        if (html.Length > MaxLength)
        {
            throw new ArgumentException($"The page has {html.Length} characters; at most {MaxLength} are read.", nameof(html));
        }

        var (text, locate) = HtmlText.Render(html);
        return Extract(new SourceText(text), locate, divisions);
    }

    /// <summary>Largest PDF read, in bytes: a text PDF of a report with its fonts embedded has 0.2-3 MB.</summary>
    public const int MaxPdfBytes = 8 * 1024 * 1024;

    /// <summary>Pages of a PDF read at most: a report runs to 5-15 pages.</summary>
    public const int MaxPdfPages = 200;

    /// <summary>
    /// Extracts from a PDF's text layer: words with their positions are put back into lines, and ruled tables into
    /// rows of cells (an empty cell stays empty, a label wrapped inside its cell comes back whole), then read as
    /// text. Offsets and lines refer to that text; <see cref="CellSource.Pdf"/> gives the page and position.
    /// </summary>
    /// <exception cref="ArgumentException">The PDF is larger than <see cref="MaxPdfBytes"/>.</exception>
    /// <exception cref="UnreadableDocumentException">Encrypted, damaged, no text layer, or past the page or text limits.</exception>
    /// <param name="pdf">The PDF file's bytes.</param>
    /// <param name="divisions">The division reference, to infer the agency's region from its name.</param>
    public static ExtractionResult FromPdf(byte[] pdf, DivisionIndex? divisions = null)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        if (pdf.Length > MaxPdfBytes)
        {
            throw new ArgumentException($"The PDF has {pdf.Length} bytes; at most {MaxPdfBytes} are read.", nameof(pdf));
        }

        var (text, locate) = PdfText.Render(pdf);
        return Extract(new SourceText(text), locate, divisions);
    }

    private static readonly string[] Table4Header = ["总计", "尚未审结", "复议后起诉", "未经复议直接起诉", "其他结果", "结果纠正", "结果维持"];

    internal static ExtractionResult Extract(SourceText source, Func<CellSource, CellSource>? locate, DivisionIndex? divisions)
    {
        var warnings = new List<string>();
        var year = DocumentReader.Year(source);

        // Table 2 starts at its first item header; a page that leaves the headers out starts it at the section heading.
        var t2Start = (source.FindAny(["第二十条第", "第二十条", "信息内容"], 0, source.Length) ?? source.Find("二、主动公开", 0, source.Length))?.Start;
        var t3Anchor = source.Find("本列数据的勾稽关系", t2Start ?? 0, source.Length) ?? source.Find("本年新收", t2Start ?? 0, source.Length);
        var t2End = t3Anchor is { } a3 ? source.FindAny(["收到和处理政府信息公开申请", "本列数据"], t2Start ?? 0, a3.End)?.Start ?? a3.Start : source.Length;
        var t5Start = source.FindAny(["存在的主要问题", "五、存在", "主要问题及改进"], t3Anchor?.End ?? t2Start ?? 0, source.Length)?.Start ?? source.Length;
        var t4Start = source.Find("行政复议", t3Anchor?.End ?? t2Start ?? 0, t5Start)?.Start;
        var t3End = t4Start ?? t5Start;

        var table2Format = t2Start is { } s2 ? Table2Format(source, s2, t2End) : null;
        var table3Format = t3Anchor is { } s3 ? Table3Format(source, s3.Start, t3End) : null;
        var format = ChooseFormat(table2Format, table3Format, year.Value, warnings);

        var cells = new List<ExtractedCell>();
        if (format.Value is { } f)
        {
            var table2 = Layouts.Table2(f);
            if (t2Start is { } from2 && (table2Format is null || table2Format == f))
            {
                var rows = TableReader.ReadRows(source, table2, from2, t2End, _ => null);
                Collect(source, rows, cells, warnings);
                ProcurementInTenThousands(source, cells, from2);
            }
            else
            {
                cells.AddRange(table2.SelectMany(r => r.Pointers).Select(p => new ExtractedCell(p, ExtractionStatus.Missing, null, null)
                {
                    Note = t2Start is null ? "table 2 not found" : $"table 2 is printed in format {table2Format}, the report is read as format {f}",
                }));
            }

            var table3 = Layouts.Table3(f);
            if (t3Anchor is { } anchor3)
            {
                var rows = TableReader.ReadRows(source, table3, anchor3.Start, t3End, _ => TableReader.Table3RowTotal, alignedHeader: true);
                TableReader.SolveTable3(source, rows);
                Collect(source, rows, cells, warnings);
            }
            else
            {
                cells.AddRange(table3.SelectMany(r => r.Pointers).Select(p => new ExtractedCell(p, ExtractionStatus.Missing, null, null) { Note = "table 3 not found" }));
            }
        }

        cells.AddRange(Table4(source, t4Start, t5Start, warnings));

        if (locate is not null)
        {
            cells = [.. cells.Select(c => c.Source is null ? c : c with { Source = locate(c.Source) })];
        }

        var name = DocumentReader.AgencyName(source);
        var region = divisions?.RegionOf(name.Value) ?? new ExtractedField<string>(null, ExtractionStatus.Missing, null, "no division reference given");
        return new ExtractionResult(
            format,
            year,
            DocumentReader.PublishedOn(source),
            name,
            region,
            DocumentReader.Text(source),
            cells,
            warnings);
    }

    private const string ProcurementAmount = "/activeDisclosure/procurement/amountYuan";

    /// <summary>
    /// The 2019 form asks for 采购总金额 in 元, but pages print the header "采购总金额(万元)" (or "单位：万元") and the
    /// number in 万元: a number without a unit of its own under such a header is converted, and says so.
    /// </summary>
    private static void ProcurementInTenThousands(SourceText source, List<ExtractedCell> cells, int tableStart)
    {
        var index = cells.FindIndex(c => c.Pointer == ProcurementAmount);
        if (index < 0 || cells[index] is not { Value: { } value, Source: { } cellSource } cell ||
            cell.Status is not (ExtractionStatus.Read or ExtractionStatus.Inferred) ||
            SourceText.NormalizeString(cellSource.Text).EndsWith('元'))
        {
            return;
        }

        var header = source.FindLast("采购总金额", tableStart, cellSource.Start);
        if (header is { } h && source.Find("万元", h.End, cellSource.Start) is not null)
        {
            cells[index] = cell with
            {
                Value = value * 10_000m,
                Note = "the header prints the amount in 万元: converted to 元, as the 2019 form asks",
            };
        }
    }

    private static IEnumerable<ExtractedCell> Table4(SourceText source, int? start, int end, List<string> warnings)
    {
        var spec = Layouts.Table4;
        var header = start is { } s
            ? Table4Header
                .Select(k => source.FindLast(k, s, end)).Where(x => x is not null).Select(x => x!.Value).OrderByDescending(x => x.End).FirstOrDefault()
            : default;
        if (start is null || header == default)
        {
            return spec.Pointers.Select(p => new ExtractedCell(p, ExtractionStatus.Missing, null, null) { Note = "table 4 not found" });
        }

        var slots = SlotReader.Read(source, header.End, end);
        if (slots.Count < spec.Columns && GroupByGroup(source, start!.Value, end) is { } grouped)
        {
            slots = grouped;
        }

        var row = RowAligner.Align(source, spec, header.Start, slots, TableReader.Table4GroupTotals);
        if (row.NeedsSolving)
        {
            if (row.Candidates!.Count == 1)
            {
                RowAligner.Settle(source, row, row.Candidates[0], "run-together digits: the only split whose groups add up to their 总计");
            }
            else
            {
                RowAligner.SettleAgreeing(source, row, row.Candidates, "run-together digits: several splits make every group add up");
            }
        }

        warnings.AddRange(row.Warnings);
        return row.Cells!;
    }

    /// <summary>
    /// Table 4 printed as three small tables, each group under its own heading (行政复议, 未经复议直接起诉, 复议后起诉)
    /// with its own header and five numbers, as document converters split it: each group's cells follow the last
    /// header label before the next group. Null unless every group prints exactly five cells, so the one-row
    /// reading stands whenever this is not that layout.
    /// </summary>
    private static List<Slot>? GroupByGroup(SourceText source, int start, int end)
    {
        var first = source.Find("行政复议", start, end);
        var second = first is { } f ? source.FindAny(["未经复议直接起诉", "直接起诉"], f.End, end) : null;
        var third = second is { } d ? source.Find("复议后起诉", d.End, end) : null;
        if (first is null || second is null || third is null)
        {
            return null;
        }

        var bounds = new[] { (first.Value.End, second.Value.Start), (second.Value.End, third.Value.Start), (third.Value.End, end) };
        var slots = new List<Slot>(15);
        foreach (var (from, to) in bounds)
        {
            var header = Table4Header.Select(k => source.FindLast(k, from, to)).Where(x => x is not null).Select(x => x!.Value)
                .OrderByDescending(x => x.End).FirstOrDefault();
            if (header == default)
            {
                return null;
            }

            var group = SlotReader.Read(source, header.End, to);
            if (group.Count != 5)
            {
                return null;
            }

            slots.AddRange(group);
        }

        return slots;
    }

    private static void Collect(SourceText source, List<RowReading> rows, List<ExtractedCell> cells, List<string> warnings)
    {
        foreach (var row in rows)
        {
            if (row.NeedsSolving)
            {
                // Table 2 has no identities: one split is inferred, several are ambiguous.
                if (row.Candidates!.Count == 1)
                {
                    RowAligner.Settle(source, row, row.Candidates[0], "run-together digits: the only possible split");
                }
                else
                {
                    RowAligner.SettleAgreeing(source, row, row.Candidates, "run-together digits: several splits are possible");
                }
            }

            cells.AddRange(row.Cells!);
            warnings.AddRange(row.Warnings);
        }
    }

    private static string? Table2Format(SourceText source, int start, int end)
    {
        if (source.FindAny(["本年新制作", "对外公开总数量", "上一年项目数量", "采购项目数量", "政府集中采购", "其他对外管理服务事项"], start, end) is not null)
        {
            return ReportFormats.Format2019;
        }

        return source.FindAny(["本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额"], start, end) is not null
            ? ReportFormats.Format2021
            : null;
    }

    private static string? Table3Format(SourceText source, int start, int end)
    {
        if (source.FindAny(["逾期不补正", "缴纳费用", "收费通知"], start, end) is not null)
        {
            return ReportFormats.Format2021;
        }

        return source.Find("其他处理", start, end) is not null ? ReportFormats.Format2019 : null;
    }

    private static ExtractedField<string> ChooseFormat(string? table2, string? table3, int? year, List<string> warnings)
    {
        var byYear = year is { } y ? ReportFormats.ForYear(y) : null;
        if (table2 is not null && table3 is not null && table2 != table3)
        {
            warnings.Add($"table 2 is printed in format {table2} and table 3 in format {table3}");
            var chosen = byYear ?? table3;
            return new(chosen, ExtractionStatus.Inferred, null, $"the tables mix formats {table2} and {table3}: chosen by the report year");
        }

        if ((table2 ?? table3) is { } byLabels)
        {
            if (byYear is not null && byYear != byLabels)
            {
                warnings.Add($"the tables are printed in format {byLabels}, but the year {year} calls for format {byYear}");
            }

            return new(byLabels, ExtractionStatus.Read, null, "from the tables' labels");
        }

        return byYear is not null
            ? new(byYear, ExtractionStatus.Inferred, null, "no table labels: from the report year")
            : new(ReportFormats.Format2021, ExtractionStatus.Inferred, null, "neither table labels nor a year: the current format is assumed");
    }
}
