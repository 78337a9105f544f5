using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ReportService.Api.Tests;

/// <summary>
/// The service's first start against an empty database, created beforehand as an operator does (the service's role
/// usually may not create databases), with every log entry of Error or worse kept.
/// </summary>
public sealed class LoggedServiceFactory : ServiceFactory
{
    public ConcurrentQueue<string> Errors { get; } = new();

    public override async Task InitializeAsync()
    {
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        var database = new NpgsqlConnectionStringBuilder(ConnectionString).Database;
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
        await create.ExecuteNonQueryAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(new ErrorCollector(Errors)));
    }

    private sealed class ErrorCollector(ConcurrentQueue<string> errors) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, errors);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> errors) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    errors.Enqueue($"{logLevel} {category}: {formatter(state, exception)}");
                }
            }
        }
    }
}

/// <summary>A first start migrates an empty database without logging an error (issue 14: EF's failed read of the history table).</summary>
public sealed class FirstStartTests(LoggedServiceFactory factory) : IClassFixture<LoggedServiceFactory>
{
    [Fact]
    public async Task A_first_start_on_an_empty_database_migrates_it_and_logs_no_error()
    {
        var client = factory.CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        HttpStatusCode status;
        while ((status = (await client.GetAsync("/health/ready")).StatusCode) != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/aggregates?year=2023")).StatusCode);
        Assert.True(factory.Errors.IsEmpty, string.Join("\n", factory.Errors));
    }
}
