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
        : this(server, "rs_test_" + Guid.NewGuid().ToString("N")[..16])
    {
    }

    /// <summary>The service against the named database of another server (e.g. one restored from a backup).</summary>
    protected ServiceFactory(string server, string database)
    {
        ServerConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
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

    /// <summary>The development signing key the service under test trusts.</summary>
    public const string SigningKey = "report-service-tests-signing-key-0123456789";

    /// <summary>
    /// A token the service under test accepts. Valid from well before the fixed clock of the tests to well
    /// after the real time, so that it holds whichever clock the token validation reads.
    /// </summary>
    public static string Token(
        string scopes = "reports:write reports:read",
        string[]? creditCodes = null,
        string[]? regions = null,
        string subject = "test-subject",
        string client = "test-client",
        DateTime? notBefore = null,
        DateTime? expires = null,
        string signingKey = SigningKey,
        string? audience = null)
    {
        var claims = new Dictionary<string, object> { ["sub"] = subject, ["client_id"] = client, ["scope"] = scopes };
        if (creditCodes is not null)
        {
            claims["credit_codes"] = creditCodes;
        }

        if (regions is not null)
        {
            claims["region_prefixes"] = regions;
        }

        var options = new ReportService.Api.Infrastructure.Security.AuthOptions { SigningKey = signingKey };
        if (audience is not null)
        {
            options.Audience = audience;
        }

        return ReportService.Api.Infrastructure.Security.MintTokenCommand.Mint(options, claims,
            notBefore ?? FixedClock.Default.GetUtcNow().UtcDateTime.AddDays(-1), expires ?? DateTime.UtcNow.AddDays(1));
    }

    /// <summary>Tokens of every client this factory creates: writes and reads for every region, unless a test says otherwise.</summary>
    protected virtual string? DefaultToken => Token(regions: ["*"]);

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        if (DefaultToken is { } token)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <summary>A second service process on the database of another factory (two processes sharing one database).</summary>
    public sealed class Sharing(string connectionString)
        : ServiceFactory(connectionString, new NpgsqlConnectionStringBuilder(connectionString).Database!);

    /// <summary>A client that sends this token, or none.</summary>
    public HttpClient CreateClient(string? token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = token is null ? null : new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Reports", ConnectionString);
        builder.UseSetting("Auth:SigningKey", SigningKey);
        // The tests send many requests quickly from one client; RateLimitTests checks the limit itself.
        builder.UseSetting("RateLimiting:PermitsPerSecond", "100000");
        builder.UseSetting("RateLimiting:Burst", "100000");
        builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(FixedClock.Default)));
    }
}
