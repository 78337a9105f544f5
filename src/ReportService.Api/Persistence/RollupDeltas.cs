using System.Runtime.InteropServices;
using Npgsql;
using NpgsqlTypes;
using ReportService.Api.Infrastructure;
using ReportService.Statutory.Model;

namespace ReportService.Api.Persistence;

/// <summary>
/// Rollup deltas summed in the service from cells already in hand, one entry per logical rollup row (grain,
/// region prefix, year, level, kind, scope, format), for the writers that store many reports in one
/// transaction: the bulk import and the grouped commits of single submissions (ADR 7, ADR 10). A cell a
/// report's format lacks counts as 0, as in <see cref="AggregateRollups"/>.
/// </summary>
internal sealed class RollupDeltas
{
    /// <summary>One logical rollup row.</summary>
    public readonly record struct Key(short Grain, string Region, int Year, string Level, string Kind, string Scope, string Format);

    private static readonly int CellCount = CellColumns.All.Count;

    private static readonly bool[] IsAmount = [.. CellColumns.All.Select(c => c.Kind == CellColumnKind.Amount)];

    private static readonly string Columns = string.Join(", ", CellColumns.All.Select(c => c.Name));

    /// <summary>
    /// Adds the deltas to the rollups with one statement: every column is one array parameter ($1 grain, $2
    /// region, $3 year, $4 level, $5 kind, $6 scope, $7 format, $8 report count, then the cells in
    /// <see cref="CellColumns.All"/> order), the shard is the last parameter. Rows arrive in array order,
    /// which <see cref="Ordered"/> makes the lock order every writer uses (grain first). The exact-region rows
    /// (grain 9) are also logged in the aggregate change log (ADR 11), in the same statement.
    /// </summary>
    private static readonly string UpsertSql =
        "WITH d AS (SELECT * FROM unnest($1::smallint[], $2::text[], $3::integer[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], " +
        string.Join(", ", CellColumns.All.Select((c, i) => $"${i + 9}::" + (c.Kind == CellColumnKind.Amount ? "numeric[]" : "bigint[]"))) +
        $") WITH ORDINALITY AS d (grain, region_code, year, level, kind, scope, format, report_count, {Columns}, position)), " +
        "logged AS (" + AggregateChangeLog.InsertSql +
        "SELECT region_code, year, level, kind, scope, format, report_count, " + AggregateChangeLog.CellArray("d.") + " FROM d WHERE grain = 9) " +
        $"INSERT INTO aggregate_rollups AS a (grain, region_code, year, level, kind, scope, format, shard, report_count, {Columns}) " +
        $"SELECT d.grain, d.region_code, d.year, d.level, d.kind, d.scope, d.format, ${CellCount + 9}, d.report_count, " +
        string.Join(", ", CellColumns.All.Select(c => "d." + c.Name)) +
        " FROM d ORDER BY d.position" +
        AggregateRollups.Conflict;

    private readonly Dictionary<Key, Entry> _sums = [];

    private sealed class Entry(int cells)
    {
        public long Count;
        public readonly decimal[] Cells = new decimal[cells];
    }

    public int Count => _sums.Count;

    /// <summary>The cells of a report in <see cref="CellColumns.All"/> order (null for another format's cells).</summary>
    public static object?[] CellsOf(Report content)
    {
        var cells = new object?[CellCount];
        for (var c = 0; c < CellCount; c++)
        {
            var column = CellColumns.All[c];
            cells[c] = column.Formats.Contains(content.Format) ? column.Read(content) : null;
        }

        return cells;
    }

    /// <summary>Adds one stored report's cells at every grain.</summary>
    public void Add(StoredReport report, object?[] cells)
    {
        var level = ContractEnums.Name(report.Level);
        var kind = ContractEnums.Name(report.Kind);
        var scope = ContractEnums.Name(report.Scope);
        foreach (var grain in AggregateRollups.Grains)
        {
            var region = report.RegionCode.Length > grain ? report.RegionCode[..grain] : report.RegionCode;
            ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_sums, new Key((short)grain, region, report.Year, level, kind, scope, report.Format), out _);
            entry ??= new Entry(CellCount);
            entry.Count++;
            for (var c = 0; c < CellCount; c++)
            {
                switch (cells[c])
                {
                    case decimal amount:
                        entry.Cells[c] += amount;
                        break;
                    case int count:
                        entry.Cells[c] += count;
                        break;
                }
            }
        }
    }

    /// <summary>
    /// The rows in the order rollup rows are locked: grain first (as <see cref="AggregateRollups"/> locks one
    /// row per grain), then the primary key's other columns, ordinally.
    /// </summary>
    public IEnumerable<(Key Key, long Count, decimal[] Cells)> Ordered() =>
        _sums.OrderBy(e => e.Key.Grain)
            .ThenBy(e => e.Key.Scope, StringComparer.Ordinal)
            .ThenBy(e => e.Key.Year)
            .ThenBy(e => e.Key.Region, StringComparer.Ordinal)
            .ThenBy(e => e.Key.Level, StringComparer.Ordinal)
            .ThenBy(e => e.Key.Kind, StringComparer.Ordinal)
            .ThenBy(e => e.Key.Format, StringComparer.Ordinal)
            .Select(e => (e.Key, e.Value.Count, e.Value.Cells));

    /// <summary>Writes a cell total of column <paramref name="column"/> as its rollup type.</summary>
    public static bool IsAmountColumn(int column) => IsAmount[column];

    /// <summary>The upsert of every delta into one shard, for a batch that also writes the reports' rows.</summary>
    public NpgsqlBatchCommand UpsertCommand(short shard)
    {
        var rows = Ordered().ToList();
        var n = rows.Count;
        var grains = new short[n];
        var regions = new string[n];
        var years = new int[n];
        var levels = new string[n];
        var kinds = new string[n];
        var scopes = new string[n];
        var formats = new string[n];
        var counts = new long[n];
        for (var i = 0; i < n; i++)
        {
            var (key, count, _) = rows[i];
            grains[i] = key.Grain;
            regions[i] = key.Region;
            years[i] = key.Year;
            levels[i] = key.Level;
            kinds[i] = key.Kind;
            scopes[i] = key.Scope;
            formats[i] = key.Format;
            counts[i] = count;
        }

        var command = new NpgsqlBatchCommand(UpsertSql);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<short[]> { TypedValue = grains, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Smallint });
        p.Add(new NpgsqlParameter<string[]> { TypedValue = regions, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter<int[]> { TypedValue = years, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        p.Add(new NpgsqlParameter<string[]> { TypedValue = levels, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter<string[]> { TypedValue = kinds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter<string[]> { TypedValue = scopes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter<string[]> { TypedValue = formats, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter<long[]> { TypedValue = counts, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        for (var c = 0; c < CellCount; c++)
        {
            if (IsAmount[c])
            {
                var totals = new decimal[n];
                for (var i = 0; i < n; i++)
                {
                    totals[i] = rows[i].Cells[c];
                }

                p.Add(new NpgsqlParameter<decimal[]> { TypedValue = totals, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Numeric });
            }
            else
            {
                var totals = new long[n];
                for (var i = 0; i < n; i++)
                {
                    totals[i] = (long)rows[i].Cells[c];
                }

                p.Add(new NpgsqlParameter<long[]> { TypedValue = totals, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            }
        }

        p.Add(new NpgsqlParameter<short> { TypedValue = shard, NpgsqlDbType = NpgsqlDbType.Smallint });
        return command;
    }
}
