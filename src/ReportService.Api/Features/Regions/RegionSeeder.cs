using Npgsql;
using NpgsqlTypes;
using ReportService.Api.Infrastructure;

namespace ReportService.Api.Features.Regions;

/// <summary>
/// Keeps the <c>regions</c> table equal to the embedded division reference, so that SQL users (dashboards,
/// analysts) can join on names. Runs after the migrations; replaces the table when its row count differs.
/// </summary>
internal static class RegionSeeder
{
    public static async Task SeedAsync(NpgsqlConnection connection, RegionDirectory regions, CancellationToken cancellationToken)
    {
        await using (var count = new NpgsqlCommand("SELECT count(*) FROM regions", connection))
        {
            if ((long)(await count.ExecuteScalarAsync(cancellationToken))! == regions.All.Count)
            {
                return;
            }
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var clear = new NpgsqlCommand("DELETE FROM regions", connection, transaction))
        {
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var import = await connection.BeginBinaryImportAsync("COPY regions (code, name, level, parent_code) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var region in regions.All)
            {
                await import.StartRowAsync(cancellationToken);
                await import.WriteAsync(region.Code, NpgsqlDbType.Text, cancellationToken);
                await import.WriteAsync(region.Name, NpgsqlDbType.Text, cancellationToken);
                await import.WriteAsync(ContractEnums.Name(region.Level), NpgsqlDbType.Text, cancellationToken);
                if (region.ParentCode is null)
                {
                    await import.WriteNullAsync(cancellationToken);
                }
                else
                {
                    await import.WriteAsync(region.ParentCode, NpgsqlDbType.Text, cancellationToken);
                }
            }

            await import.CompleteAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
