using ReportService.Statutory.Model;
using ReportService.Statutory.Rules;
using ReportService.Statutory.Tables;

namespace ReportService.Statutory.Validation;

/// <summary>The warnings that compare a report with the same agency's report of the previous year.</summary>
internal static class CrossYearRules
{
    public static void CarryOver(ReportUnderReview subject, ViolationSink sink)
    {
        // Both formats share the rows received … carriedForward, so this holds across the 2020→2021 change.
        if (subject.PreviousYear?.RequestRows?.CarriedForward is not { } before
            || subject.Report.RequestRows?.CarriedOver is not { } now)
        {
            return;
        }

        foreach (var column in Table3.Columns)
        {
            if (before[column.Index] is { } forward && now[column.Index] is { } over && forward != over)
            {
                sink.Add(RuleIds.CarryOver, new(
                    $"上年结转（{over}）不等于{subject.PreviousYear.Year}年度报告的结转下年度继续办理（{forward}）：{column.Label.Chinese}列",
                    $"Carried over ({over}) differs from the {subject.PreviousYear.Year} report's carried forward ({forward}): column {column.Label.English}"),
                    [ViolationCell.Count("/requests/carriedOver/" + column.Key, over)], forward, over);
            }
        }
    }

    public static void InForce(ReportUnderReview subject, ViolationSink sink)
    {
        if (subject.Report is not Report2021 { ActiveDisclosure: { } now } || subject.PreviousYear is not Report2021 { ActiveDisclosure: { } before })
        {
            return;
        }

        Check("regulations", new("规章", "regulations"), before.Regulations, now.Regulations);
        Check("normativeDocuments", new("行政规范性文件", "normative documents"), before.NormativeDocuments, now.NormativeDocuments);

        void Check(string key, LocalizedText label, DocumentCounts2021? last, DocumentCounts2021? current)
        {
            if (last?.InForce is not { } lastInForce || current is not { Issued: { } issued, Repealed: { } repealed, InForce: { } inForce })
            {
                return;
            }

            var expected = (long)lastInForce + issued - repealed;
            if (expected != inForce)
            {
                var p = "/activeDisclosure/" + key;
                sink.Add(RuleIds.InForce, new(
                    $"{label.Chinese}现行有效件数（{inForce}）不等于上年现行有效件数（{lastInForce}）加本年制发（{issued}）减本年废止（{repealed}），即{expected}",
                    $"{label.English} in force ({inForce}) differs from last year's {lastInForce} + issued {issued} − repealed {repealed} = {expected}"),
                    [ViolationCell.Count(p + "/issued", issued), ViolationCell.Count(p + "/repealed", repealed), ViolationCell.Count(p + "/inForce", inForce)],
                    expected, inForce);
            }
        }
    }

    public static void Identical(ReportUnderReview subject, ViolationSink sink)
    {
        if (subject.PreviousYear is not { } previous || previous.Format != subject.Report.Format)
        {
            return;
        }

        var now = Cells(subject.Report).ToArray();
        var before = Cells(previous).ToArray();
        // All-zero tables are what a township without requests reports every year: not a copied report.
        if (now.SequenceEqual(before) && now.Any(v => v is not null && Convert.ToDecimal(v, System.Globalization.CultureInfo.InvariantCulture) != 0))
        {
            sink.Add(RuleIds.Identical, new(
                $"表二至表四与{previous.Year}年度报告完全相同",
                $"Tables 2–4 are identical to the {previous.Year} report"), []);
        }
    }

    private static IEnumerable<object?> Cells(Report report)
    {
        foreach (var cell in Table2.CellsOf(report.Format))
        {
            yield return cell.Value(report);
        }

        var requests = report.RequestRows;
        foreach (var row in Table3.RowsOf(report.Format))
        {
            var counts = requests is null ? null : row.Read(requests);
            foreach (var column in Table3.Columns)
            {
                yield return counts?[column.Index];
            }
        }

        foreach (var group in Table4.Groups)
        {
            var counts = report.Appeals is null ? null : group.Read(report.Appeals);
            foreach (var field in Table4.Fields)
            {
                yield return counts is null ? null : field.Read(counts);
            }
        }
    }
}
