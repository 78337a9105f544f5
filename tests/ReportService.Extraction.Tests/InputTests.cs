using System.Text;
using ReportService.Statutory.Model;
using ReportService.TestSupport;

namespace ReportService.Extraction.Tests;

/// <summary>How printed numbers, placeholders, misprints and documents that are no report are read.</summary>
public sealed class InputTests
{
    private const string Table2Head = "二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n";

    [Theory]
    [InlineData("1,234", 1234)]
    [InlineData("１，２３４", 1234)]
    [InlineData("１２", 12)]
    [InlineData("12件", 12)]
    public void Counts_with_thousands_separators_full_width_digits_or_units_are_read(string printed, int value)
    {
        var result = ReportExtractor.FromText(Table2Head + $"规章\t0\t0\t0\n行政规范性文件\t{printed}\t0\t{printed}\n");

        var cell = result.Cell("/activeDisclosure/normativeDocuments/issued")!;
        Assert.Equal(ExtractionStatus.Read, cell.Status);
        Assert.Equal(value, cell.Value);
        Assert.Equal(printed, cell.Source!.Text);
    }

    [Theory]
    [InlineData("0.0123", "0.0123")]
    [InlineData("１．５", "1.5")]
    [InlineData("12.5万元", "125000")]
    public void Amounts_keep_their_decimals_and_a_printed_unit(string printed, string value)
    {
        var text = "二、主动公开政府信息情况\n第二十条第（八）项\n信息内容\t本年收费金额（单位：万元）\n行政事业性收费\t" + printed + "\n三、收到和处理政府信息公开申请情况\n";
        var cell = ReportExtractor.FromText(text).Cell("/activeDisclosure/fees/amount")!;

        Assert.Equal(ExtractionStatus.Read, cell.Status);
        Assert.Equal(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), cell.Value);
    }

    [Fact]
    public void Table_2_without_its_item_headers_is_read_from_the_section_heading()
    {
        var result = ReportExtractor.FromText("二、主动公开政府信息情况\n规章 0 0 0\n行政规范性文件 2 1 9\n行政许可 12\n行政处罚 3\n行政强制 0\n行政事业性收费 0\n三、收到和处理政府信息公开申请情况\n");

        Assert.Equal(9m, result.Cell("/activeDisclosure/normativeDocuments/inForce")!.Value);
        Assert.Equal(12m, result.Cell("/activeDisclosure/licensing/decisions")!.Value);
    }

    [Fact]
    public void A_2019_change_may_be_negative_and_the_procurement_amount_is_in_yuan()
    {
        var text = "2020年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第（五）项\n信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n" +
            "行政许可\t12\t-3\t40\n第二十条第（九）项\n信息内容\t采购项目数量\t采购总金额\n政府集中采购\t2\t25.1万元\n";
        var result = ReportExtractor.FromText(text);

        Assert.Equal(ReportFormats.Format2019, result.Format.Value);
        Assert.Equal(-3m, result.Cell("/activeDisclosure/licensing/itemsChange")!.Value);
        Assert.Equal(251000m, result.Cell("/activeDisclosure/procurement/amountYuan")!.Value);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("—")]
    [InlineData("-")]
    [InlineData("／")]
    [InlineData("无")]
    public void A_placeholder_is_missing_with_its_source_never_zero(string placeholder)
    {
        var result = ReportExtractor.FromText(Table2Head + $"规章\t{placeholder}\t{placeholder}\t{placeholder}\n行政规范性文件\t1\t0\t5\n");

        var cell = result.Cell("/activeDisclosure/regulations/issued")!;
        Assert.Equal(ExtractionStatus.Missing, cell.Status);
        Assert.Null(cell.Value);
        Assert.Equal(placeholder, cell.Source!.Text);
        Assert.Equal(1m, result.Cell("/activeDisclosure/normativeDocuments/issued")!.Value);
    }

    [Fact]
    public void Misprinted_and_spaced_out_labels_are_still_their_rows()
    {
        var text = "三、收到和处理政府信息公开申请情况\n（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\n" +
            "一、本 年 新 收 政 府 信 息 公 开 申 请 数 量\t1\t0\t0\t0\t0\t0\t1\n" +
            "（二）部分公开（区分处理的，只记这一情形，不计其他情形）\t2\t0\t0\t0\t0\t0\t2\n" +
            "5.属于三类内容事务信息\t3\t0\t0\t0\t0\t0\t3\n" +
            "5.要求行政机关确认或重复出具已获取信息\t4\t0\t0\t0\t0\t0\t4\n";
        var result = ReportExtractor.FromText(text);

        Assert.Equal(1m, result.Cell("/requests/received/total")!.Value);
        Assert.Equal(2m, result.Cell("/requests/outcomes/partiallyDisclosed/total")!.Value);
        Assert.Equal(3m, result.Cell("/requests/outcomes/withheld/internalAffairs/total")!.Value);
        Assert.Equal(4m, result.Cell("/requests/outcomes/notProcessed/confirmOrReissue/total")!.Value);
    }

    [Theory]
    [InlineData("- 3 -")]
    [InlineData("第3页 共5页")]
    [InlineData("3/5")]
    public void A_page_number_between_or_inside_rows_is_not_a_cell(string mark)
    {
        var text = "三、收到和处理政府信息公开申请情况\n（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\n" +
            "一、本年新收政府信息公开申请数量\n5\n0\n0\n" + mark + "\n0\n0\n1\n6\n" +
            "二、上年结转政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\n" + mark + "\n三、本年度办理结果（一）予以公开\t2\t0\t0\t0\t0\t0\t2\n";
        var result = ReportExtractor.FromText(text);

        Assert.Equal([5m, 0m, 0m, 0m, 0m, 1m, 6m], ReportService.Statutory.Tables.Table3.Columns.Select(c => result.Cell("/requests/received/" + c.Key)!.Value!.Value));
        Assert.Equal(1m, result.Cell("/requests/carriedOver/total")!.Value);
        Assert.Empty(result.Warnings);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t\n")]
    [InlineData("关于做好2024年春节期间安全生产工作的通知\n各乡镇：请于1月31日前报送。")]
    [InlineData("<html><body><p>404 Not Found</p></body></html>")]
    public void A_document_that_is_no_report_is_not_recognized(string text)
    {
        var result = ReportExtractor.FromText(text);

        Assert.False(result.Recognized);
        Assert.All(result.Cells, c => Assert.Equal(ExtractionStatus.Missing, c.Status));
    }

    [Fact]
    public void A_seed_report_is_recognized()
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Seeds", "000.txt"));

        Assert.True(ReportExtractor.FromText(text).Recognized);
    }

    [Fact]
    public void Binary_junk_and_label_soup_do_not_throw_and_read_cells_have_sources()
    {
        var random = new Random(42);
        string[] pieces = ["一、本年新收政府信息公开申请数量", "（七）总计", "规章", "行政复议", "总计", "结果维持", "第二十条第", "本列数据的勾稽关系",
            "|", "\t", "\n", " ", "0", "7", "12", "0000000", "98765432109876543210", "—", "/", "1.", "（三）不予公开", "逾期不补正", "其他", "2023年"];
        for (var run = 0; run < 300; run++)
        {
            var text = new StringBuilder();
            if (run % 3 == 0)
            {
                var bytes = new byte[random.Next(1, 4000)];
                random.NextBytes(bytes);
                text.Append(Encoding.UTF8.GetString(bytes));
            }
            else
            {
                for (var i = random.Next(1, 400); i > 0; i--)
                {
                    text.Append(pieces[random.Next(pieces.Length)]);
                }
            }

            var result = ReportExtractor.FromText(text.ToString());
            Assert.All(result.Cells.Where(c => c.Status == ExtractionStatus.Read), c => Assert.NotNull(c.Source));
            _ = result.ToReportJson();
        }
    }

    [Fact]
    public void The_draft_of_an_incomplete_report_leaves_blank_cells_out_and_the_rules_name_them()
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Seeds", "000.txt"));
        var draft = ReportExtractor.FromText(text).ToReportJson(new ExtractionOverrides
        {
            CreditCode = "11141122703158621W",
            RegionCode = "141122103",
            Level = AgencyLevel.Township,
            Kind = AgencyKind.Government,
        });

        Assert.Empty(draft["appeals"]!["reconsideration"]!.AsObject());
        Assert.Equal("交城县水峪贯镇人民政府", draft["agency"]!["name"]!.GetValue<string>());
        Assert.Equal(Seeds.Json("000")["publishedOn"]!.GetValue<string>(), draft["publishedOn"]!.GetValue<string>());
    }

    [Fact]
    public void A_document_over_the_limit_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ReportExtractor.FromText(new string('0', ReportExtractor.MaxLength + 1)));
        Assert.Throws<ArgumentException>(() => ReportExtractor.FromHtml(new string('0', ReportExtractor.MaxLength + 1)));
    }
}
