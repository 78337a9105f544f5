using ReportService.Statutory.Model;
using ReportService.Statutory.Rules;
using ReportService.Statutory.Tables;

namespace ReportService.Statutory.Validation;

/// <summary>
/// The printed identities of tables 3 and 4. An identity is checked only when every cell it involves is
/// present: a missing cell is CELL.COUNT's to report, and is never read as zero. Sums are taken in 64 bits
/// so that counts near <see cref="int.MaxValue"/> cannot overflow into a false pass.
/// </summary>
internal static class TableRules
{
    public static void RowTotals(ReportUnderReview subject, ViolationSink sink)
    {
        if (subject.Report.RequestRows is not { } requests)
        {
            return;
        }

        foreach (var row in Table3.RowsOf(subject.Report.Format))
        {
            if (row.Read(requests) is not { } counts || !AllPresent(counts))
            {
                continue;
            }

            long sum = 0;
            for (var c = 0; c < Table3.TotalColumn; c++)
            {
                sum += counts[c]!.Value;
            }

            var total = counts[Table3.TotalColumn]!.Value;
            if (sum != total)
            {
                var cells = Table3.Columns.Select(col => ViolationCell.Count(row.CellPointer(col), counts[col.Index])).ToArray();
                sink.Add(RuleIds.T3RowTotal, new(
                    $"{row.Label.Chinese}：六类申请人之和（{sum}）不等于总计（{total}）",
                    $"{row.Label.English}: the six applicant columns sum to {sum}, but the total is {total}"), cells, sum, total);
            }
        }
    }

    public static void OutcomeTotals(ReportUnderReview subject, ViolationSink sink)
    {
        if (subject.Report.RequestRows is not { } requests)
        {
            return;
        }

        var rows = Table3.RowsOf(subject.Report.Format);
        var totalRow = rows.First(r => r.Role == Table3RowRole.OutcomeTotal);
        foreach (var column in Table3.Columns)
        {
            var total = totalRow.Read(requests)?[column.Index];
            if (total is null)
            {
                continue;
            }

            long sum = 0;
            var complete = true;
            foreach (var row in rows)
            {
                if (row.Role != Table3RowRole.OutcomeLeaf)
                {
                    continue;
                }

                if (row.Read(requests)?[column.Index] is { } value)
                {
                    sum += value;
                }
                else
                {
                    complete = false;
                    break;
                }
            }

            if (complete && sum != total)
            {
                var cells = rows
                    .Where(r => r.Role is Table3RowRole.OutcomeLeaf or Table3RowRole.OutcomeTotal)
                    .Select(r => ViolationCell.Count(r.CellPointer(column), r.Read(requests)?[column.Index]))
                    .ToArray();
                sink.Add(RuleIds.T3OutcomeTotal, new(
                    $"各项办理结果之和（{sum}）不等于（七）总计（{total}）：{column.Label.Chinese}列",
                    $"The outcome rows sum to {sum}, but the outcomes total is {total}: column {column.Label.English}"), cells, sum, total.Value);
            }
        }
    }

    public static void Balance(ReportUnderReview subject, ViolationSink sink)
    {
        if (subject.Report.RequestRows is not { } requests)
        {
            return;
        }

        var rows = Table3.RowsOf(subject.Report.Format);
        var received = rows[0];
        var carriedOver = rows[1];
        var total = rows[^2];
        var carriedForward = rows[^1];
        foreach (var column in Table3.Columns)
        {
            int? r = received.Read(requests)?[column.Index], o = carriedOver.Read(requests)?[column.Index],
                t = total.Read(requests)?[column.Index], f = carriedForward.Read(requests)?[column.Index];
            if (r is null || o is null || t is null || f is null)
            {
                continue;
            }

            long left = (long)r.Value + o.Value, right = (long)t.Value + f.Value;
            if (left != right)
            {
                sink.Add(RuleIds.T3Balance, new(
                    $"第一项加第二项之和（{left}）不等于第三项加第四项之和（{right}）：{column.Label.Chinese}列",
                    $"Received + carried over ({left}) does not equal outcomes total + carried forward ({right}): column {column.Label.English}"),
                    [
                        ViolationCell.Count(received.CellPointer(column), r),
                        ViolationCell.Count(carriedOver.CellPointer(column), o),
                        ViolationCell.Count(total.CellPointer(column), t),
                        ViolationCell.Count(carriedForward.CellPointer(column), f),
                    ], left, right);
            }
        }
    }

    public static void AppealTotals(ReportUnderReview subject, ViolationSink sink)
    {
        if (subject.Report.Appeals is not { } appeals)
        {
            return;
        }

        foreach (var group in Table4.Groups)
        {
            if (group.Read(appeals) is not { } counts || Table4.Fields.Any(f => f.Read(counts) is null))
            {
                continue;
            }

            long sum = (long)counts.Upheld!.Value + counts.Corrected!.Value + counts.Other!.Value + counts.Pending!.Value;
            var total = counts.Total!.Value;
            if (sum != total)
            {
                var cells = Table4.Fields.Select(f => ViolationCell.Count(group.CellPointer(f), f.Read(counts))).ToArray();
                sink.Add(RuleIds.T4GroupTotal, new(
                    $"{group.Label.Chinese}：结果维持、结果纠正、其他结果、尚未审结之和（{sum}）不等于总计（{total}）",
                    $"{group.Label.English}: upheld + corrected + other + pending ({sum}) does not equal the total ({total})"), cells, sum, total);
            }
        }
    }

    private static bool AllPresent(ApplicantCounts counts)
    {
        for (var c = 0; c <= Table3.TotalColumn; c++)
        {
            if (counts[c] is null)
            {
                return false;
            }
        }

        return true;
    }
}
