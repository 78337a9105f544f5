using System.Collections.Concurrent;
using Npgsql;
using NpgsqlTypes;
using ReportService.Api.Features.Aggregates;
using ReportService.Api.Persistence;
using ReportService.Statutory.Model;

namespace ReportService.Api.Features.Completeness;

/// <summary>
/// Who must report and who has, per year, held in the process and brought forward by the aggregate change log
/// (ADR 18) instead of being read from every stored report on every request (issue 16). A year is loaded on its
/// first request; after that, a request takes a sync of the change feed (one that started after it arrived, ADR 11)
/// and reloads only the exact regions the rows committed since name: their reports of the year (every report,
/// correction and review logs its region) and the agencies registered there (every change of the register logs its
/// regions, migration 20261207000000). A reset or a log the feed no longer holds reloads the year.
/// <para>
/// The index keeps, per expected reporter, whether and when it reported (every report and the approved ones), and
/// the counts of expected, reported, on time and judged-by-submission reporters per exact region prefix at the four
/// grains (2, 4, 6, 9 digits), level, kind and scope: a completeness answer is a pass over the cells of one grain,
/// the missing list a walk over the reporters of one region prefix.
/// </para>
/// </summary>
internal sealed class CompletenessIndex(NpgsqlDataSource dataSource, AggregateChangeFeed feed, AggregateReadSource reads, ExpectedReporters expected) : IDisposable
{
    private readonly ConcurrentDictionary<int, YearIndex> _years = new();
    private long _fullLoads;
    private long _regionReloads;

    /// <summary>Years loaded from every stored report (first use, a reset, a log too old).</summary>
    public long FullLoads => Interlocked.Read(ref _fullLoads);

    /// <summary>Regions reloaded because the change log named them.</summary>
    public long RegionReloads => Interlocked.Read(ref _regionReloads);

    public void Dispose()
    {
        foreach (var index in _years.Values)
        {
            index.Dispose();
        }
    }

    /// <summary>The year's index, holding every write acknowledged before this call (and perhaps later ones).</summary>
    public async Task<YearIndex> ForAsync(int year, CancellationToken cancellationToken)
    {
        var index = _years.GetOrAdd(year, y => new YearIndex(y, expected));
        var sync = await feed.SyncAsync(cancellationToken);
        if (Volatile.Read(ref index.Sync) >= sync.Number)
        {
            return index;
        }

        await index.Refresh.WaitAsync(cancellationToken);
        try
        {
            // Another request may have brought it to this sync (or a later one) meanwhile.
            if (index.Sync >= sync.Number)
            {
                return index;
            }

            HashSet<string>? regions = null;
            if (index.Sync >= 0 && feed.ChangesBetween(index.Sync, sync.Number) is { } changes && !changes.Any(c => c.IsReset))
            {
                regions = new HashSet<string>(StringComparer.Ordinal);
                foreach (var change in changes)
                {
                    if (change.IsRegister || change.Year == year)
                    {
                        regions.Add(change.RegionCode!);
                    }
                }

                if (regions.Count == 0)
                {
                    // Nothing of this year changed: the index is exact at this sync as it is.
                    Volatile.Write(ref index.Sync, sync.Number);
                    return index;
                }
            }

            // At the sync's snapshot or later (with the regions changed since in the same snapshot), on the standby
            // once it has replayed the sync's position (ADR 12), else on the primary.
            var load = await reads.TryOnReplicaAsync(sync.Position, c => LoadAsync(c, year, sync.Snapshot, regions, cancellationToken), cancellationToken);
            if (load is null)
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                load = await LoadAsync(connection, year, sync.Snapshot, regions, cancellationToken);
            }

            if (load.Regions is null)
            {
                Interlocked.Increment(ref _fullLoads);
            }
            else
            {
                Interlocked.Add(ref _regionReloads, load.Regions.Count);
            }

            index.Apply(load);
            Volatile.Write(ref index.Sync, sync.Number);
            return index;
        }
        finally
        {
            index.Refresh.Release();
        }
    }

    /// <summary>
    /// The year's reports and agencies in force, of <paramref name="regions"/> (null: all), in one repeatable-read
    /// snapshot. That snapshot may hold writes committed after the sync's (<paramref name="snapshot"/>): their regions
    /// are read too, so that what is loaded is one consistent state (a report moved by a correction is never in neither
    /// region nor in both). A reset, or a log pruned past the sync, makes it a load of the year. One batch and the
    /// commit: the regions committed since are an InitPlan array, so both reads stay index scans on <c>= ANY</c>.
    /// </summary>
    private static async Task<Load> LoadAsync(NpgsqlConnection connection, int year, string snapshot, HashSet<string>? regions, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var facts = new List<ReportFact>();
        var agencies = new List<AgencyEntry>();
        if (regions is not null)
        {
            const string Since = "ARRAY(SELECT DISTINCT c.region_code FROM aggregate_changes c WHERE " + AggregateChangeLog.SinceCondition +
                " AND c.region_code IS NOT NULL AND (c.scope = '" + AggregateChange.RegisterScope + "' OR c.year = $2))";
            const string Codes = "region_code = ANY($3::text[] || " + Since + ")";
            await using var batch = new NpgsqlBatch(connection, transaction);
            batch.BatchCommands.Add(Command(
                $"SELECT {AggregateChangeLog.CompleteSince}, EXISTS (SELECT FROM aggregate_changes c WHERE {AggregateChangeLog.SinceCondition} AND c.region_code IS NULL), " +
                Since));
            batch.BatchCommands.Add(Command(ReportsSql + " AND " + Codes));
            batch.BatchCommands.Add(Command(AgenciesSql + " AND " + Codes));
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var complete = reader.GetBoolean(0) && !reader.GetBoolean(1);
            regions.UnionWith(reader.GetFieldValue<string[]>(2));
            await reader.NextResultAsync(cancellationToken);
            await ReadFactsAsync(reader, facts, cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            await ReadAgenciesAsync(reader, agencies, cancellationToken);
            if (!complete)
            {
                (regions, facts, agencies) = (null, [], []);
            }

            NpgsqlBatchCommand Command(string sql) => new(sql)
            {
                Parameters =
                {
                    new NpgsqlParameter<string> { TypedValue = snapshot, NpgsqlDbType = NpgsqlDbType.Text },
                    new NpgsqlParameter<int> { TypedValue = year },
                    new NpgsqlParameter<string[]> { TypedValue = [.. regions], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                },
            };
        }

        if (regions is null)
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            // $1 (the snapshot) is not used here; the year keeps its number.
            batch.BatchCommands.Add(new NpgsqlBatchCommand(ReportsSql) { Parameters = { new NpgsqlParameter<string> { TypedValue = snapshot, NpgsqlDbType = NpgsqlDbType.Text }, new NpgsqlParameter<int> { TypedValue = year } } });
            batch.BatchCommands.Add(new NpgsqlBatchCommand(AgenciesSql) { Parameters = { new NpgsqlParameter<string> { TypedValue = snapshot, NpgsqlDbType = NpgsqlDbType.Text }, new NpgsqlParameter<int> { TypedValue = year } } });
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await ReadFactsAsync(reader, facts, cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            await ReadAgenciesAsync(reader, agencies, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new Load(regions, facts, agencies);
    }

    /// <summary>The reports of year <c>$2</c> (a condition on their region may follow).</summary>
    private const string ReportsSql =
        "SELECT region_code, scope, kind, credit_code, published_on, created_at, review_status = 'approved' FROM reports WHERE year = $2";

    /// <summary>The agencies in force in year <c>$2</c> (a condition on their region may follow).</summary>
    private const string AgenciesSql =
        "SELECT credit_code, name, region_code, level, kind, source FROM agencies WHERE first_year <= $2 AND (last_year IS NULL OR last_year >= $2)";

    private static async Task ReadFactsAsync(NpgsqlDataReader reader, List<ReportFact> facts, CancellationToken cancellationToken)
    {
        while (await reader.ReadAsync(cancellationToken))
        {
            var publishedOn = reader.IsDBNull(4) ? (DateOnly?)null : reader.GetFieldValue<DateOnly>(4);
            facts.Add(new ReportFact(
                reader.GetString(0), ParseScope(reader.GetString(1)), ParseKind(reader.GetString(2)), reader.GetString(3),
                When.Of(publishedOn, reader.GetFieldValue<DateTimeOffset>(5)), reader.GetBoolean(6)));
        }
    }

    private static async Task ReadAgenciesAsync(NpgsqlDataReader reader, List<AgencyEntry> agencies, CancellationToken cancellationToken)
    {
        while (await reader.ReadAsync(cancellationToken))
        {
            agencies.Add(new AgencyEntry(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), ParseLevel(reader.GetString(3)), ParseKind(reader.GetString(4)), reader.GetString(5)));
        }
    }

    private static ReportScope ParseScope(string text) => text == "agency" ? ReportScope.Agency : ReportScope.RegionAggregate;

    private static AgencyKind ParseKind(string text) => text switch
    {
        "government" => AgencyKind.Government,
        "department" => AgencyKind.Department,
        _ => AgencyKind.Other,
    };

    private static AgencyLevel ParseLevel(string text) => text switch
    {
        "national" => AgencyLevel.National,
        "province" => AgencyLevel.Province,
        "city" => AgencyLevel.City,
        "county" => AgencyLevel.County,
        _ => AgencyLevel.Township,
    };
}

/// <summary>The day that judges timeliness: publishedOn, or the day (UTC+8) the report was first submitted.</summary>
internal readonly record struct When(DateOnly Date, bool BySubmission) : IComparable<When>
{
    private static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    public static When Of(DateOnly? publishedOn, DateTimeOffset createdAt) =>
        new(publishedOn ?? DateOnly.FromDateTime(createdAt.ToOffset(ChinaStandardTime).DateTime), publishedOn is null);

    /// <summary>The earlier day first; on the same day, a publication before a submission (the order of the tuple it replaces).</summary>
    public int CompareTo(When other)
    {
        var order = Date.CompareTo(other.Date);
        return order != 0 ? order : BySubmission.CompareTo(other.BySubmission);
    }

    public static When? Earlier(When? a, When b) => a is { } x && x.CompareTo(b) <= 0 ? x : b;
}

/// <summary>What completeness needs of a stored report: where it is, whose it is, when it counts as reported, whether approved.</summary>
internal sealed record ReportFact(string RegionCode, ReportScope Scope, AgencyKind Kind, string CreditCode, When When, bool Approved);

/// <summary>An agency of the register in force in the index's year.</summary>
internal sealed record AgencyEntry(string CreditCode, string Name, string RegionCode, AgencyLevel Level, AgencyKind Kind, string Source);

/// <summary>What a refresh read: the regions reloaded (null: the whole year) and their reports and agencies.</summary>
internal sealed record Load(HashSet<string>? Regions, List<ReportFact> Facts, List<AgencyEntry> Agencies);

/// <summary>Whether and when a reporter reported, counting every report and counting only approved ones.</summary>
internal readonly record struct ReporterWhen(When? All, When? Approved)
{
    public When? In(bool approvedOnly) => approvedOnly ? Approved : All;
}

/// <summary>The counts of one cell: expected reporters, and of them reported, on time and judged by submission, in both views.</summary>
internal struct CellCounts
{
    public int Expected;
    public int Reported;
    public int OnTime;
    public int BySubmission;
    public int ApprovedReported;
    public int ApprovedOnTime;
    public int ApprovedBySubmission;
}

/// <summary>A cell: a region code cut to a grain (or shorter, for a reporter above it), a level, a kind and a scope.</summary>
internal readonly record struct CellKey(string Region, AgencyLevel Level, AgencyKind Kind, ReportScope Scope);
