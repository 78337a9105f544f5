using ReportService.Api.Infrastructure;
using ReportService.Api.Persistence;

namespace ReportService.Api.Features.Aggregates;

/// <summary>
/// Brings the rows of an aggregate answer forward (or back) by change-log rows (ADR 11), exactly as the sums over the
/// rollups would have changed: a change counts where the rollup row it updated is read (the answer's view — every
/// accepted report or the approved ones, ADR 17 —, grain, scope,
/// years, region prefix, level and kind), under the group that row falls in. Groups are kept in the order the SQL
/// returns them (each grouping value ascending, byte order, nulls last) and a group without reports is left out,
/// as the SQL leaves it out.
/// </summary>
internal static class AggregateDeltas
{
    /// <summary>
    /// The rows with every change of <paramref name="changes"/> added (<paramref name="sign"/> 1) or taken away (−1);
    /// <paramref name="rows"/> is not modified (rows that change are new objects). Touched is false when no change
    /// concerned this answer: its rendered bytes still hold.
    /// </summary>
    public static (List<AggregateRow> Rows, bool Touched) Apply(
        IReadOnlyList<AggregateRow> rows, AggregateFilter filter, IEnumerable<AggregateChange> changes, int sign = 1)
    {
        var grain = AggregateQuery.GrainFor(filter);
        var scope = ContractEnums.Name(filter.Scope);
        var level = filter.Level is { } l ? ContractEnums.Name(l) : null;
        var kind = filter.Kind is { } k ? ContractEnums.Name(k) : null;
        Dictionary<string, int>? index = null;
        List<AggregateRow>? result = null;
        var added = false;
        foreach (var change in changes)
        {
            if (change.Scope != scope
                || change.Approved != filter.ApprovedOnly
                || (filter.FromYear is { } from && change.Year < from)
                || (filter.ToYear is { } to && change.Year > to)
                || (filter.RegionPrefix is { } prefix && !change.RegionCode!.StartsWith(prefix, StringComparison.Ordinal))
                || (level is not null && change.Level != level)
                || (kind is not null && change.Kind != kind))
            {
                continue;
            }

            if (result is null)
            {
                result = [.. rows];
                index = new Dictionary<string, int>(StringComparer.Ordinal);
                for (var i = 0; i < result.Count; i++)
                {
                    index[KeyText(filter, result[i].Key)] = i;
                }
            }

            // The rollup row the change updated at this grain, and the group the SQL puts it in.
            var region = change.RegionCode!.Length > grain ? change.RegionCode[..grain] : change.RegionCode;
            var key = new Dictionary<Dimension, object?>(filter.GroupBy.Count);
            foreach (var dimension in filter.GroupBy)
            {
                key[dimension] = dimension switch
                {
                    Dimension.Year => change.Year,
                    Dimension.Province => region.Length > 2 ? region[..2] : region,
                    Dimension.City => region.Length >= 4 ? region[..4] : null,
                    Dimension.County => region.Length >= 6 ? region[..6] : null,
                    Dimension.Township => region.Length == 9 ? region : null,
                    Dimension.Level => change.Level,
                    Dimension.Kind => change.Kind,
                    _ => throw new ArgumentOutOfRangeException(nameof(filter)),
                };
            }

            var text = KeyText(filter, key);
            if (index!.TryGetValue(text, out var at))
            {
                result[at] = Add(result[at], change, sign);
            }
            else
            {
                index[text] = result.Count;
                result.Add(Add(new AggregateRow(key, 0, 0, 0, new decimal[CellColumns.All.Count]), change, sign));
                added = true;
            }
        }

        if (result is null)
        {
            return ([.. rows], false);
        }

        if (filter.GroupBy.Count > 0)
        {
            result.RemoveAll(r => r.ReportCount == 0);
        }

        if (added)
        {
            result.Sort((a, b) => Compare(filter, a, b));
        }

        return (result, true);
    }

    /// <summary>A new row: <paramref name="row"/> with the change added (sign 1) or taken away (−1).</summary>
    private static AggregateRow Add(AggregateRow row, AggregateChange change, int sign)
    {
        var sums = (decimal[])row.Sums.Clone();
        for (var c = 0; c < sums.Length; c++)
        {
            sums[c] += sign * change.Cells[c];
        }

        var delta = sign * change.ReportCount;
        return row with
        {
            ReportCount = row.ReportCount + delta,
            Reports2019 = row.Reports2019 + (change.Format == "2019" ? delta : 0),
            Reports2021 = row.Reports2021 + (change.Format == "2021" ? delta : 0),
            Sums = sums,
        };
    }

    /// <summary>The SQL's ORDER BY of the grouping positions: ascending, text in byte order (region codes are in the C collation, level and kind names are lower-case ASCII), nulls last.</summary>
    internal static int Compare(AggregateFilter filter, AggregateRow a, AggregateRow b)
    {
        foreach (var dimension in filter.GroupBy)
        {
            var x = a.Key[dimension];
            var y = b.Key[dimension];
            var order = (x, y) switch
            {
                (null, null) => 0,
                (null, _) => 1,
                (_, null) => -1,
                (int i, int j) => i.CompareTo(j),
                _ => string.CompareOrdinal((string)x, (string)y),
            };
            if (order != 0)
            {
                return order;
            }
        }

        return 0;
    }

    private static string KeyText(AggregateFilter filter, IReadOnlyDictionary<Dimension, object?> key) =>
        string.Join('\u001f', filter.GroupBy.Select(d => key[d] switch
        {
            null => "\u0000",
            int year => year.ToString(System.Globalization.CultureInfo.InvariantCulture),
            var value => (string)value,
        }));
}
