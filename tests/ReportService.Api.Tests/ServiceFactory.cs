using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using ReportService.TestSupport;

namespace ReportService.Api.Tests;

/// <summary>
/// The service in the Testing environment against a real PostgreSQL: a database of its own per test class,
/// created by the service's migrations and dropped afterwards. The server comes from
/// <c>ConnectionStrings__Reports</c>, which scripts/test sets to a throwaway cluster.
/// </summary>
public class ServiceFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public ServiceFactory()
        : this(ServerFromEnvironment())
    {
    }

    /// <summary>The service against another server than <c>ConnectionStrings__Reports</c> (a cluster of a test's own).</summary>
    protected ServiceFactory(string server)
    {
        ServerConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = "rs_test_" + Guid.NewGuid().ToString("N")[..16] }.ConnectionString;
    }

    private static string ServerFromEnvironment()
    {
        var server = Environment.GetEnvironmentVariable("ConnectionStrings__Reports");
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new InvalidOperationException("ConnectionStrings__Reports is not set: run the tests with scripts/test, which starts PostgreSQL.");
        }

        return server;
    }

    public string ServerConnectionString { get; }

    public string ConnectionString { get; }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        var database = new NpgsqlConnectionStringBuilder(ConnectionString).Database;
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>Runs SQL against this class's database (to assert what was stored).</summary>
    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Reports", ConnectionString);
        builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(FixedClock.Default)));
    }
}
