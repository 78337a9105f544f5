using System.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace ReportService.Api.Persistence;

internal static class PersistenceConnections
{
    /// <summary>
    /// Runs raw Npgsql work on the context's connection (and its current transaction, if any), opening the
    /// connection for the call only when the caller has not opened it already.
    /// </summary>
    public static async Task<T> WithOpenConnectionAsync<T>(
        ReportsDbContext db, Func<NpgsqlConnection, NpgsqlTransaction?, Task<T>> work, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }

        try
        {
            return await work(connection, (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction());
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }
}
