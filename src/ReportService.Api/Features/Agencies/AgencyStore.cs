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
}

/// <summary>
/// Writes registrations: one upsert statement for any number of agencies (a PUT is a batch of one). A row learned
/// from a report becomes a registered one; a registration identical to the stored one writes nothing. The
/// database audits every row written (agency_events, by trigger), with the caller's subject and client.
/// </summary>
internal static class AgencyStore
{
    private const string UpsertSql = """
        INSERT INTO agencies AS a (credit_code, name, region_code, level, kind, first_year, last_year, source, version, changed_at, changed_by, changed_client)
        SELECT u.credit_code, u.name, u.region_code, u.level, u.kind, u.first_year, u.last_year, 'register', 1, $8, $9, $10
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::integer[], $7::integer[])
            AS u (credit_code, name, region_code, level, kind, first_year, last_year)
        ON CONFLICT (credit_code) DO UPDATE
            SET name = excluded.name, region_code = excluded.region_code, level = excluded.level, kind = excluded.kind,
                first_year = excluded.first_year, last_year = excluded.last_year, source = 'register', version = a.version + 1,
                changed_at = excluded.changed_at, changed_by = excluded.changed_by, changed_client = excluded.changed_client
            WHERE (a.name, a.region_code, a.level, a.kind, a.first_year, a.last_year, a.source)
                IS DISTINCT FROM (excluded.name, excluded.region_code, excluded.level, excluded.kind, excluded.first_year, excluded.last_year, 'register')
        RETURNING a.credit_code, a.version, (a.xmax = 0) AS created
        """;

    /// <summary>The stored rows of these credit codes, locked until the transaction ends (their regions are checked before they change).</summary>
    public static async Task<Dictionary<string, StoredAgency>> LockAsync(NpgsqlConnection connection, IReadOnlyCollection<string> creditCodes, CancellationToken cancellationToken)
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

    /// <summary>Upserts the agencies (distinct credit codes); the outcome and current version of each.</summary>
    public static async Task<Dictionary<string, (AgencyWrite Write, int Version)>> UpsertAsync(
        NpgsqlConnection connection, IReadOnlyList<CheckedAgency> agencies, IReadOnlyDictionary<string, StoredAgency> stored,
        Caller caller, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var outcomes = new Dictionary<string, (AgencyWrite, int)>(StringComparer.Ordinal);
        if (agencies.Count == 0)
        {
            return outcomes;
        }

        await using var command = new NpgsqlCommand(UpsertSql, connection);
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
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var code = reader.GetString(0);
                outcomes[code] = (reader.GetBoolean(2) ? AgencyWrite.Created : AgencyWrite.Replaced, reader.GetInt32(1));
            }
        }

        var unchanged = agencies.Select(a => a.CreditCode).Where(code => !outcomes.ContainsKey(code)).ToList();
        // Rows written identically by a concurrent request after the lock (it locks only rows that existed) are read again.
        var current = unchanged.All(stored.ContainsKey) ? stored : await LockAsync(connection, unchanged, cancellationToken);
        foreach (var code in unchanged)
        {
            outcomes[code] = (AgencyWrite.Unchanged, current[code].Version);
        }

        return outcomes;
    }

    private static NpgsqlParameter<string[]> TextArray(IEnumerable<string> values) =>
        new() { TypedValue = [.. values], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };
}
