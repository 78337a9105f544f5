using System.Net.Sockets;
using Npgsql;

namespace ReportService.Api.Persistence;

internal static class DatabaseErrors
{
    /// <summary>Seconds a client should wait before retrying while the database is unavailable.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>
    /// True when the exception means the database cannot be reached or is shutting down or overloaded, or that
    /// no primary is there to write to (during a failover, ADR 12): the request may succeed later, so the client
    /// gets 503 with Retry-After, never 500.
    /// </summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    return pg.SqlState.StartsWith("08", StringComparison.Ordinal)   // connection exception
                        || pg.SqlState.StartsWith("57P", StringComparison.Ordinal)  // operator intervention: shutdown, cannot connect now
                        || pg.SqlState.StartsWith("53", StringComparison.Ordinal)   // insufficient resources
                        || pg.SqlState == PostgresErrorCodes.SerializationFailure
                        || pg.SqlState == PostgresErrorCodes.DeadlockDetected
                        // A write that reached a standby (a node being demoted, or a host list without
                        // Target Session Attributes=primary): the next attempt finds the primary.
                        || pg.SqlState == PostgresErrorCodes.ReadOnlySqlTransaction;
                case ServiceStoppingException:
                case StalePrimaryException:
                case UnconfirmedCommitException:
                case NpgsqlException { IsTransient: true }:
                case SocketException:
                case TimeoutException:
                    return true;
                // "No suitable host was found.": every host of a multi-host connection string answered, none
                // is a primary (the old one is gone, the standby not yet promoted).
                case NpgsqlException when e.InnerException is null:
                    return e.Message.Contains("connection", StringComparison.OrdinalIgnoreCase)
                        || e.Message.Contains("suitable host", StringComparison.OrdinalIgnoreCase);
                // The connection broke inside a transaction: the next command finds the transaction gone.
                case InvalidOperationException when e.Message.Contains("ransaction", StringComparison.Ordinal)
                                                   && e.Message.Contains("completed", StringComparison.Ordinal):
                    return true;
            }
        }

        return false;
    }

    /// <summary>
    /// After a request found no primary among the hosts of a multi-host connection string, forgets the roles Npgsql
    /// cached for them, so that the next connection asks every host again instead of trusting "standby" for
    /// <c>Host Recheck Seconds</c> (10 s by default): a promoted standby is found by the first request after its
    /// promotion (ADR 12). Between failovers nothing changes: a primary is found, and the cache stays.
    /// </summary>
    public static void ForgetHostRolesWhenNoPrimary(NpgsqlDataSource dataSource, Exception exception)
    {
        if (dataSource is not NpgsqlMultiHostDataSource hosts)
        {
            return;
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            // "No suitable host was found." / "Unable to connect to a suitable host. ..." (NpgsqlMultiHostDataSource)
            if (e is NpgsqlException and not PostgresException && e.Message.Contains("suitable host", StringComparison.OrdinalIgnoreCase))
            {
                hosts.ClearDatabaseStates();
                return;
            }
        }
    }

    /// <summary>True for a unique violation of the named constraint.</summary>
    public static bool IsUniqueViolation(Exception exception, string constraint)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg)
            {
                return pg.ConstraintName == constraint;
            }
        }

        return false;
    }
}

/// <summary>The service is stopping and takes no new writes; the client retries (503 + Retry-After).</summary>
internal sealed class ServiceStoppingException() : Exception("The service is stopping and takes no new writes.");
