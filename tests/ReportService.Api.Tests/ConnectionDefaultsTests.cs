using Npgsql;
using ReportService.Api.Persistence;

namespace ReportService.Api.Tests;

/// <summary>The connection defaults the service adds only where the operator's connection string is silent.</summary>
public sealed class ConnectionDefaultsTests
{
    [Fact]
    public void A_plain_connection_string_gets_auto_prepare_and_jit_off()
    {
        var settings = new NpgsqlConnectionStringBuilder("Host=db;Username=app;Database=reports");
        DatabaseSetup.ApplyDefaults(settings);
        Assert.Equal(64, settings.MaxAutoPrepare);
        Assert.Equal(2, settings.AutoPrepareMinUsages);
        Assert.Equal("-c jit=off", settings.Options);
        Assert.Equal(0, settings.CommandTimeout);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0;Auto Prepare Min Usages=5;Options=-c jit=on;Command Timeout=45")]
    [InlineData("Host=db;maxautoprepare=0;AUTO PREPARE MIN USAGES=5;Options=-c jit=on;commandtimeout=45")]
    public void What_the_operator_set_is_kept(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        DatabaseSetup.ApplyDefaults(settings);
        Assert.Equal(0, settings.MaxAutoPrepare);
        Assert.Equal(5, settings.AutoPrepareMinUsages);
        Assert.Equal("-c jit=on", settings.Options);
        Assert.Equal(45, settings.CommandTimeout);
    }

    [Fact]
    public void Other_options_keep_theirs_and_get_jit_off()
    {
        var settings = new NpgsqlConnectionStringBuilder("Host=db;Options=-c statement_timeout=5000");
        DatabaseSetup.ApplyDefaults(settings);
        Assert.Equal("-c statement_timeout=5000 -c jit=off", settings.Options);
    }
}
