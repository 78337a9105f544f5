using Npgsql;
using NpgsqlTypes;
using ReportService.Api.Infrastructure;
using ReportService.Api.Infrastructure.Security;
using ReportService.Api.Persistence;

namespace ReportService.Api.Features.Agencies;

/// <summary>What a registration did to an agency's row.</summary>
internal enum AgencyWrite
{
    Created,
    Replaced,
    /// <summary>The register already said exactly this: no new version, nothing audited.</summary>
    Unchanged,
    /// <summary>The caller's check refused it against the stored row (a precondition, another office's region): nothing written.</summary>
    Refused,
}

/// <summary>What became of one agency of a registration: the write, the version and when it was written (none when refused), or the refusal.</summary>
internal sealed record AgencyOutcome<TRefusal>(AgencyWrite Write, int Version, DateTimeOffset ChangedAt, TRefusal? Refusal)
    where TRefusal : class;

/// <summary>
/// Writes registrations: any number of agencies in two statements (a PUT is a batch of one). A row learned from a
/// report becomes a registered one; a registration identical to the stored one writes nothing. The database audits
/// every row written (agency_events, by trigger), with the caller's subject and client.
/// </summary>
/// <remarks>
/// Concurrent creators of one new agency (two PUTs, a PUT and the bulk import, a PUT and a report that learns the
/// agency): the rows that exist are locked and checked first; the new ones are inserted with ON CONFLICT DO NOTHING,
/// and one that another transaction created meanwhile is locked and checked as it is now before it is replaced. So a
/// create-only PUT never replaces what it did not see, a region check always sees the row it lets change, and the
/// loser of the race gets a 200 or its refusal, never a unique violation. Rows are never deleted, so one retry does.
/// New rows are inserted in credit-code order, as they are locked and learned, to keep deadlocks between batches rare.
/// </remarks>
internal static class AgencyStore
{
    private const string Columns = "credit_code, name, region_code, level, kind, first_year, last_year, source, version, changed_at, changed_by, changed_client";

    private const string Rows = """
        SELECT u.credit_code, u.name, u.region_code, u.level, u.kind, u.first_year, u.last_year, 'register', 1, $8, $9, $10
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::integer[], $7::integer[])
            AS u (credit_code, name, region_code, level, kind, first_year, last_year)
        ORDER BY u.credit_code
        """;

    private const string CreateSql = $"""
        INSERT INTO agencies ({Columns})
        {Rows}
        ON CONFLICT (credit_code) DO NOTHING
        RETURNING credit_code, version, changed_at
        """;

    private const string ReplaceSql = $"""
        INSERT INTO agencies AS a ({Columns})
        {Rows}
        ON CONFLICT (credit_code) DO UPDATE
            SET name = excluded.name, region_code = excluded.region_code, level = excluded.level, kind = excluded.kind,
                first_year = excluded.first_year, last_year = excluded.last_year, source = 'register', version = a.version + 1,
                changed_at = excluded.changed_at, changed_by = excluded.changed_by, changed_client = excluded.changed_client
            WHERE (a.name, a.region_code, a.level, a.kind, a.first_year, a.last_year, a.source)
                IS DISTINCT FROM (excluded.name, excluded.region_code, excluded.level, excluded.kind, excluded.first_year, excluded.last_year, 'register')
        RETURNING a.credit_code, a.version, a.changed_at
        """;

    /// <summary>The stored rows of these credit codes, locked until the transaction ends (their regions are checked before they change).</summary>
    private static async Task<Dictionary<string, StoredAgency>> LockAsync(NpgsqlConnection connection, IReadOnlyCollection<string> creditCodes, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT credit_code, name, region_code, level, kind, first_year, last_year, source, version, changed_at FROM agencies " +
            "WHERE credit_code = ANY($1) ORDER BY credit_code FOR UPDATE", connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. creditCodes], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        var rows = new Dictionary<string, StoredAgency>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var agency = new StoredAgency
            {
                CreditCode = reader.GetString(0),
                Name = reader.GetString(1),
                RegionCode = reader.GetString(2),
                Level = Enum.Parse<Statutory.Model.AgencyLevel>(reader.GetString(3), ignoreCase: true),
                Kind = Enum.Parse<Statutory.Model.AgencyKind>(reader.GetString(4), ignoreCase: true),
                FirstYear = reader.GetInt32(5),
                LastYear = reader.IsDBNull(6) ? null : reader.GetInt32(6),
                Source = reader.GetString(7),
                Version = reader.GetInt32(8),
                ChangedAt = reader.GetFieldValue<DateTimeOffset>(9),
            };
            rows[agency.CreditCode] = agency;
        }

        return rows;
    }

    /// <summary>
    /// Registers the agencies (distinct credit codes) in the caller's transaction. <paramref name="refuse"/> sees each
    /// agency with its stored row, locked (null when there is none), and answers its refusal or null to write it.
    /// </summary>
    public static async Task<Dictionary<string, AgencyOutcome<TRefusal>>> RegisterAsync<TRefusal>(
        NpgsqlConnection connection, IReadOnlyList<CheckedAgency> agencies, Func<CheckedAgency, StoredAgency?, TRefusal?> refuse,
        Caller caller, DateTimeOffset now, CancellationToken cancellationToken)
        where TRefusal : class
    {
        var outcomes = new Dictionary<string, AgencyOutcome<TRefusal>>(StringComparer.Ordinal);
        var stored = await LockAsync(connection, [.. agencies.Select(a => a.CreditCode)], cancellationToken);
        var fresh = new List<CheckedAgency>();
        var existing = new List<CheckedAgency>();
        foreach (var agency in agencies)
        {
            var current = stored.GetValueOrDefault(agency.CreditCode);
            if (refuse(agency, current) is { } refusal)
            {
                outcomes[agency.CreditCode] = new(AgencyWrite.Refused, 0, default, refusal);
            }
            else
            {
                (current is null ? fresh : existing).Add(agency);
            }
        }

        foreach (var (code, (version, changedAt)) in await WriteAsync(connection, CreateSql, fresh, caller, now, cancellationToken))
        {
            outcomes[code] = new(AgencyWrite.Created, version, changedAt, null);
        }

        // Created by another transaction since the lock: checked again as it is now, under its lock.
        var raced = fresh.Where(a => !outcomes.ContainsKey(a.CreditCode)).ToList();
        if (raced.Count > 0)
        {
            var relocked = await LockAsync(connection, [.. raced.Select(a => a.CreditCode)], cancellationToken);
            foreach (var agency in raced)
            {
                stored[agency.CreditCode] = relocked[agency.CreditCode];
                if (refuse(agency, relocked[agency.CreditCode]) is { } refusal)
                {
                    outcomes[agency.CreditCode] = new(AgencyWrite.Refused, 0, default, refusal);
                }
                else
                {
                    existing.Add(agency);
                }
            }
        }

        var replaced = await WriteAsync(connection, ReplaceSql, existing, caller, now, cancellationToken);
        foreach (var agency in existing)
        {
            var current = stored[agency.CreditCode];
            outcomes[agency.CreditCode] = replaced.TryGetValue(agency.CreditCode, out var written)
                ? new(AgencyWrite.Replaced, written.Version, written.ChangedAt, null)
                : new(AgencyWrite.Unchanged, current.Version, current.ChangedAt, null);
        }

        return outcomes;
    }

    /// <summary>Runs one of the two statements over the agencies; the version and time of each row it wrote.</summary>
    private static async Task<Dictionary<string, (int Version, DateTimeOffset ChangedAt)>> WriteAsync(
        NpgsqlConnection connection, string sql, List<CheckedAgency> agencies, Caller caller, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var written = new Dictionary<string, (int, DateTimeOffset)>(StringComparer.Ordinal);
        if (agencies.Count == 0)
        {
            return written;
        }

        await using var command = new NpgsqlCommand(sql, connection);
        var p = command.Parameters;
        p.Add(TextArray(agencies.Select(a => a.CreditCode)));
        p.Add(TextArray(agencies.Select(a => a.Name)));
        p.Add(TextArray(agencies.Select(a => a.RegionCode)));
        p.Add(TextArray(agencies.Select(a => ContractEnums.Name(a.Level))));
        p.Add(TextArray(agencies.Select(a => ContractEnums.Name(a.Kind))));
        p.Add(new NpgsqlParameter<int[]> { TypedValue = [.. agencies.Select(a => a.FirstYear)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        p.Add(new NpgsqlParameter<int?[]> { TypedValue = [.. agencies.Select(a => a.LastYear)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        p.Add(new NpgsqlParameter<DateTime> { TypedValue = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)caller.Subject ?? DBNull.Value });
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)caller.Client ?? DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            written[reader.GetString(0)] = (reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(2));
        }

        return written;
    }

    private static NpgsqlParameter<string[]> TextArray(IEnumerable<string> values) =>
        new() { TypedValue = [.. values], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };
}
