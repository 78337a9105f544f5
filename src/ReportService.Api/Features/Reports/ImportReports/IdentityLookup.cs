using Npgsql;
using NpgsqlTypes;
using ReportService.Api.Infrastructure;
using ReportService.Statutory.Model;

namespace ReportService.Api.Features.Reports.ImportReports;

/// <summary>The identity of a report: one per agency credit code, year and scope.</summary>
internal readonly record struct Identity(string CreditCode, int Year, ReportScope Scope)
{
    public static Identity Of(Report report) => new(report.Agency.CreditCode, report.Year, report.Agency.Scope);
}

/// <summary>Set-based look-ups for a whole batch: one query, not one per line.</summary>
internal static class IdentityLookup
{
    public static async Task<Dictionary<Identity, Guid>> ExistingIdsAsync(NpgsqlConnection connection, IReadOnlyCollection<Identity> keys, CancellationToken cancellationToken)
    {
        var found = new Dictionary<Identity, Guid>();
        await QueryAsync(connection, keys, "r.id", reader => found[Read(reader)] = reader.GetGuid(3), cancellationToken);
        return found;
    }

    public static async Task<Dictionary<Identity, string>> CurrentBodiesAsync(NpgsqlConnection connection, IReadOnlyCollection<Identity> keys, CancellationToken cancellationToken)
    {
        var found = new Dictionary<Identity, string>();
        await QueryAsync(connection, keys, "(SELECT v.body::text FROM report_revisions v WHERE v.report_id = r.id AND v.revision = r.current_revision)",
            reader => found[Read(reader)] = reader.GetString(3), cancellationToken);
        return found;
    }

    private static Identity Read(NpgsqlDataReader reader) =>
        new(reader.GetString(0), reader.GetInt32(1), ContractEnums.TryParse<ReportScope>(reader.GetString(2), out var scope) ? scope : default);

    private static async Task QueryAsync(NpgsqlConnection connection, IReadOnlyCollection<Identity> keys, string select, Action<NpgsqlDataReader> row, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return;
        }

        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(cancellationToken);
        }

        try
        {
            await using var command = new NpgsqlCommand(
                $"SELECT r.credit_code, r.year, r.scope, {select} FROM unnest(@codes, @years, @scopes) AS k(credit_code, year, scope) " +
                "JOIN reports r ON r.credit_code = k.credit_code AND r.year = k.year AND r.scope = k.scope", connection)
            {
                // Bounded by the batch request's time limit, not the driver's 30 s default (see BulkReportWriter).
                CommandTimeout = 0,
            };
            command.Parameters.Add(new NpgsqlParameter("codes", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = keys.Select(k => k.CreditCode).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("years", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = keys.Select(k => k.Year).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("scopes", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = keys.Select(k => ContractEnums.Name(k.Scope)).ToArray() });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                row(reader);
            }
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync();
            }
        }
    }
}
