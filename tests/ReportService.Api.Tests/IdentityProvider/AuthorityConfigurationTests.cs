using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReportService.Api.Infrastructure.Security;

namespace ReportService.Api.Tests.IdentityProvider;

/// <summary>An identity provider over plain HTTP with the production default (HTTPS metadata only).</summary>
public sealed class PlainHttpAuthorityFactory : ServiceFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Auth:SigningKey", "");
        builder.UseSetting("Auth:Authority", "http://idp.example.gov.cn/realms/gov");
    }
}

/// <summary>
/// A mistaken identity-provider setting stops the service at start, naming the setting, instead of failing
/// every request with a token later.
/// </summary>
public sealed class AuthorityConfigurationTests(PlainHttpAuthorityFactory factory) : IClassFixture<PlainHttpAuthorityFactory>
{
    [Fact]
    public void The_service_refuses_to_start_with_an_http_authority_unless_https_metadata_is_explicitly_not_required()
    {
        var failure = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        var problem = failure as InvalidOperationException ?? failure.InnerException as InvalidOperationException;
        Assert.NotNull(problem);
        Assert.Contains("Auth:RequireHttpsMetadata", problem.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string?> Settings => new()
    {
        { "Authority", "idp.example.gov.cn/realms/gov", "Auth:Authority" },
        { "Authority", "ftp://idp.example.gov.cn/realms/gov", "Auth:Authority" },
        { "MetadataRefreshSeconds", "299", "Auth:MetadataRefreshSeconds" },
        { "MetadataRefreshSeconds", "300", null },
        { "UnknownKeyRefreshSeconds", "0", "Auth:UnknownKeyRefreshSeconds" },
        { "UnknownKeyRefreshSeconds", "1", null },
        { "BackchannelTimeoutSeconds", "0", "Auth:BackchannelTimeoutSeconds" },
        { "BackchannelTimeoutSeconds", "61", "Auth:BackchannelTimeoutSeconds" },
        { "BackchannelTimeoutSeconds", "60", null },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void Each_identity_provider_setting_is_checked_at_start(string setting, string value, string? named)
    {
        var auth = new AuthOptions { Authority = "https://idp.example.gov.cn/realms/gov" };
        typeof(AuthOptions).GetProperty(setting)!.SetValue(auth, setting == "Authority" ? value : int.Parse(value, System.Globalization.CultureInfo.InvariantCulture));

        var problem = auth.Problem();

        if (named is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.NotNull(problem);
            Assert.Contains(named, problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_refresh_settings_reach_the_configuration_manager_that_reads_the_providers_keys()
    {
        var service = new IdentityProviderServiceFactory();
        service.Settings["Auth:MetadataRefreshSeconds"] = "900";
        service.Settings["Auth:UnknownKeyRefreshSeconds"] = "7";
        await service.InitializeAsync();
        try
        {
            var jwt = service.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);

            var metadata = Assert.IsType<ProviderMetadata>(jwt.ConfigurationManager);
            Assert.Equal(service.Provider.Issuer + ".well-known/openid-configuration", metadata.MetadataAddress);
            Assert.Equal((TimeSpan.FromSeconds(900), TimeSpan.FromSeconds(7)), (metadata.AutomaticRefreshInterval, metadata.RefreshInterval));
            Assert.False(metadata.UseLastKnownGoodConfiguration);
        }
        finally
        {
            await ((IAsyncLifetime)service).DisposeAsync();
        }
    }
}
