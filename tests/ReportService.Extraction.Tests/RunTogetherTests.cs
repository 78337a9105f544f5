namespace ReportService.Extraction.Tests;

/// <summary>Cells printed with no separator: split by the table's own identities, or left ambiguous.</summary>
public sealed class RunTogetherTests
{
    private const string Header = "三、收到和处理政府信息公开申请情况\n(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)申请人情况\n";

    [Fact]
    public void Seven_digits_for_seven_cells_split_one_way_and_are_inferred()
    {
        var result = ReportExtractor.FromText(Header + "三、本年度办理结果（一）予以公开7000007\n（二）部分公开0000000\n");

        var cells = Row(result, "/requests/outcomes/disclosed");
        Assert.Equal([7m, 0m, 0m, 0m, 0m, 0m, 7m], cells.Select(c => c.Value!.Value));
        Assert.All(cells, c => Assert.Equal(ExtractionStatus.Inferred, c.Status));
        Assert.Equal("7", cells[0].Source!.Text);
        Assert.Equal("7", cells[6].Source!.Text);
        Assert.Equal(cells[0].Source!.Start + 6, cells[6].Source!.Start);
    }

    [Fact]
    public void The_row_total_decides_between_splits()
    {
        // "230 000023": 2+3+0+… ≠ 23 and 2+30 ≠ 23; only 23,0 | 0,0,0,0,23 makes the applicant columns add up.
        var result = ReportExtractor.FromText(Header + "一、本年新收政府信息公开申请数量230 000023\n二、上年结转政府信息公开申请数量0000000\n");

        Assert.Equal([23m, 0m, 0m, 0m, 0m, 0m, 23m], Row(result, "/requests/received").Select(c => c.Value!.Value));
    }

    [Fact]
    public void Several_splits_that_satisfy_every_identity_stay_ambiguous_with_their_candidates()
    {
        // 110000011: 11,0,0,0,0,0,11 and 1,10,0,0,0,0,11 both add up; nothing else in the table tells them apart.
        var result = ReportExtractor.FromText(Header + "一、本年新收政府信息公开申请数量110000011\n");

        var cells = Row(result, "/requests/received");
        Assert.Equal(ExtractionStatus.Ambiguous, cells[0].Status);
        Assert.Null(cells[0].Value);
        Assert.Equal([1m, 11m], cells[0].Candidates);
        Assert.Equal([0m, 10m], cells[1].Candidates);
        Assert.Equal(ExtractionStatus.Inferred, cells[6].Status);
        Assert.Equal(11m, cells[6].Value);
    }

    [Fact]
    public void The_column_identities_of_table_3_settle_a_row_its_own_total_cannot()
    {
        // received is ambiguous alone (11,0 or 1,10 in the first two columns); carriedOver, the outcomes and
        // carriedForward split one way only, and 一 + 二 = 三 + 四 per column leaves 1,10.
        var rows = string.Join("\n",
            "一、本年新收政府信息公开申请数量110000011",
            "二、上年结转政府信息公开申请数量0000000",
            "三、本年度办理结果（一）予以公开1000001",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）0000000",
            "（三）不予公开1.属于国家秘密0000000",
            "2.其他法律行政法规禁止公开0000000",
            "3.危及“三安全一稳定”0000000",
            "4.保护第三方合法权益0000000",
            "5.属于三类内部事务信息0000000",
            "6.属于四类过程性信息0000000",
            "7.属于行政执法案卷0000000",
            "8.属于行政查询事项0000000",
            "（四）无法提供1.本机关不掌握相关政府信息0100001",
            "2.没有现成信息需要另行制作0000000",
            "3.补正后申请内容仍不明确0000000",
            "（五）不予处理1.信访举报投诉类申请0000000",
            "2.重复申请0000000",
            "3.要求提供公开出版物0000000",
            "4.无正当理由大量反复申请0000000",
            "5.要求行政机关确认或重新出具已获取信息0000000",
            "（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请0000000",
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请0000000",
            "3.其他0000000",
            "（七）总计1100002",
            "四、结转下年度继续办理0900009");
        var result = ReportExtractor.FromText(Header + rows + "\n");

        Assert.Equal([1m, 10m, 0m, 0m, 0m, 0m, 11m], Row(result, "/requests/received").Select(c => c.Value!.Value));
        Assert.Equal([0m, 9m, 0m, 0m, 0m, 0m, 9m], Row(result, "/requests/carriedForward").Select(c => c.Value!.Value));
        Assert.All(Row(result, "/requests/received"), c => Assert.Equal(ExtractionStatus.Inferred, c.Status));
    }

    [Fact]
    public void When_no_reading_makes_the_table_consistent_the_row_is_ambiguous_with_its_candidates()
    {
        // As the column-identities test, but 四、结转 is printed as all zeros: neither 11,0 nor 1,10 balances.
        var text = Header + string.Join("\n",
            "一、本年新收政府信息公开申请数量110000011",
            "二、上年结转政府信息公开申请数量0000000",
            "三、本年度办理结果（一）予以公开1000001",
            "（四）无法提供1.本机关不掌握相关政府信息0100001",
            "（七）总计1100002",
            "四、结转下年度继续办理0000000") + "\n";
        var result = ReportExtractor.FromText(text);

        var received = Row(result, "/requests/received");
        Assert.All(received, c => Assert.Equal(ExtractionStatus.Ambiguous, c.Status));
        Assert.Equal([1m, 11m], received[0].Candidates);
        Assert.Equal([0m, 10m], received[1].Candidates);
        Assert.Contains("no reading", received[0].Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Digits_no_split_can_fit_are_ambiguous_not_guessed()
    {
        var result = ReportExtractor.FromText(Header + "一、本年新收政府信息公开申请数量0 0 0 0 0 0\n二、上年结转政府信息公开申请数量0000000\n");

        Assert.All(Row(result, "/requests/received"), c =>
        {
            Assert.Equal(ExtractionStatus.Ambiguous, c.Status);
            Assert.Null(c.Value);
        });
    }

    [Fact]
    public void Table_4_run_together_is_split_into_its_fifteen_cells()
    {
        var result = ReportExtractor.FromText(Table4Text("100010000021003"));

        Assert.Equal(
            [1m, 0m, 0m, 0m, 1m, 0m, 0m, 0m, 0m, 0m, 2m, 1m, 0m, 0m, 3m],
            Appeals(result).Select(c => c.Value!.Value));
        Assert.All(Appeals(result), c => Assert.Equal(ExtractionStatus.Inferred, c.Status));
    }

    [Fact]
    public void Table_4_run_together_whose_groups_cannot_add_up_is_ambiguous()
    {
        // The only split of 15 digits into 15 cells gives 2+1+0+0 for a 总计 of 4.
        var result = ReportExtractor.FromText(Table4Text("100010000021004"));

        Assert.All(Appeals(result), c =>
        {
            Assert.Equal(ExtractionStatus.Ambiguous, c.Status);
            Assert.Null(c.Value);
        });
    }

    private static string Table4Text(string digits) =>
        "四、政府信息公开行政复议、行政诉讼情况\n行政复议 行政诉讼\n结果维持 结果纠正 其他结果 尚未审结 总计\n" + digits + "\n五、存在的主要问题及改进情况\n无";

    private static List<ExtractedCell> Appeals(ExtractionResult result) =>
        [.. ReportService.Statutory.Tables.Table4.Groups.SelectMany(g => ReportService.Statutory.Tables.Table4.Fields.Select(f => result.Cell(g.CellPointer(f))!))];

    private static List<ExtractedCell> Row(ExtractionResult result, string pointer) =>
        [.. ReportService.Statutory.Tables.Table3.Columns.Select(c => result.Cell(pointer + "/" + c.Key)!)];
}
