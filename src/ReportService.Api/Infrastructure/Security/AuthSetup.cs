using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Mvc;
using Microsoft.IdentityModel.Tokens;

namespace ReportService.Api.Infrastructure.Security;

/// <summary>JWT bearer authentication and the scope policies (ADR 6).</summary>
internal static partial class AuthSetup
{
    public static IServiceCollection AddReportServiceAuth(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().Configure<IConfiguration>((auth, configuration) => configuration.GetSection(AuthOptions.Section).Bind(auth));
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<Microsoft.Extensions.Options.IOptions<AuthOptions>>((jwt, auth) => Configure(jwt, auth.Value));

        services.AddSingleton<IAuthorizationHandler, ScopeHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        services.AddAuthorization();
        services.AddOptions<AuthorizationOptions>().Configure<Microsoft.Extensions.Options.IOptions<AuthOptions>>((authorization, auth) =>
        {
            authorization.AddPolicy(Policies.Write, policy => policy.AddRequirements(new ScopeRequirement(Scopes.Write)));
            authorization.AddPolicy(Policies.Review, policy => policy.AddRequirements(new ScopeRequirement(Scopes.Review)));
            authorization.AddPolicy(Policies.WriteAgencies, policy => policy.AddRequirements(new ScopeRequirement(Scopes.AgenciesWrite)));
            authorization.AddPolicy(Policies.LockPeriods, policy => policy.AddRequirements(new ScopeRequirement(Scopes.LockPeriods)));
            authorization.AddPolicy(Policies.ReadReports, policy => policy.AddRequirements(
                new ScopeRequirement(auth.Value.PublicReports ? null : Scopes.Read)));
            authorization.AddPolicy(Policies.ReadPublicData, policy => policy.AddRequirements(
                new ScopeRequirement(auth.Value.PublicData ? null : Scopes.Read)));
        });
        return services;
    }

    /// <summary>Refuses to start without a way to check tokens: a service that accepts any writer is worse than one that is down.</summary>
    public static void EnsureConfigured(IServiceProvider services)
    {
        var problem = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuthOptions>>().Value.Problem();
        if (problem is not null)
        {
            throw new InvalidOperationException(problem);
        }
    }

    public static SymmetricSecurityKey SigningKey(string key) => new(Encoding.UTF8.GetBytes(key)) { KeyId = "development" };

    private static void Configure(JwtBearerOptions jwt, AuthOptions auth)
    {
        // Keep the token's own claim names (sub, scope, client_id) instead of the WS-* URIs.
        jwt.MapInboundClaims = false;
        jwt.Audience = auth.Audience;
        jwt.RequireHttpsMetadata = auth.RequireHttpsMetadata;
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidAudience = auth.Audience,
            ValidIssuer = auth.EffectiveIssuer,
            ClockSkew = TimeSpan.FromMinutes(1),
            RequireExpirationTime = true,
            NameClaimType = "sub",
        };
        if (!string.IsNullOrWhiteSpace(auth.Authority))
        {
            jwt.Authority = auth.Authority;
            // Set here, so that JwtBearer does not make its own (with the same back-channel settings): this one
            // knows whether the keys were ever obtained, and takes the refresh intervals from Auth.
            jwt.ConfigurationManager = new ProviderMetadata(auth, new HttpClient(jwt.BackchannelHttpHandler ?? new HttpClientHandler())
            {
                Timeout = TimeSpan.FromSeconds(auth.BackchannelTimeoutSeconds),
                MaxResponseContentBufferSize = 10 * 1024 * 1024,
            });
        }
        else if (!string.IsNullOrWhiteSpace(auth.SigningKey))
        {
            jwt.TokenValidationParameters.IssuerSigningKey = SigningKey(auth.SigningKey);
            jwt.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        }

        jwt.Events = new JwtBearerEvents
        {
            // A 401 is problem+json like every other 4xx, and says why the token was refused without the
            // library's internals.
            OnChallenge = async context =>
            {
                context.HandleResponse();
                if (ProviderUnreachable(context))
                {
                    await ProviderUnreachableAsync(context);
                    return;
                }

                var refused = context.AuthenticateFailure is not null;
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = refused ? "Bearer error=\"invalid_token\"" : "Bearer";
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status401Unauthorized,
                        Title = refused ? "Bearer token refused" : "Bearer token required",
                        Detail = refused
                            ? $"The bearer token was refused: {Why(context.AuthenticateFailure!)}."
                            : "This operation needs a bearer token (Authorization: Bearer <token>) from the identity provider.",
                    },
                });
            },
        };
    }

    /// <summary>
    /// A well-formed token was refused while the provider has not been reachable since the service started:
    /// without its discovery document and keys no token can pass (neither its issuer nor its signature can be
    /// checked), so the token may well be good and the caller is told to retry, as during a database outage.
    /// </summary>
    private static bool ProviderUnreachable(JwtBearerChallengeContext context) =>
        context.AuthenticateFailure is not null and not SecurityTokenMalformedException &&
        context.Options.ConfigurationManager is ProviderMetadata { Obtained: false };

    private static async Task ProviderUnreachableAsync(JwtBearerChallengeContext context)
    {
        var services = context.HttpContext.RequestServices;
        LogProviderUnreachable(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuthSetup)), context.Options.Authority);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = Persistence.DatabaseErrors.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await services.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context.HttpContext,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Identity provider unreachable",
                Detail = "The identity provider's signing keys could not be obtained, so the bearer token cannot be checked. Retry after the Retry-After delay.",
            },
        });
    }

    [LoggerMessage(LogLevel.Warning, "Bearer token not checked: the signing keys of the identity provider {Authority} could not be obtained")]
    private static partial void LogProviderUnreachable(ILogger logger, string? authority);

    private static string Why(Exception failure) => failure switch
    {
        SecurityTokenExpiredException => "it has expired",
        SecurityTokenNotYetValidException => "it is not valid yet",
        SecurityTokenInvalidAudienceException => "it is not issued for this service (audience)",
        SecurityTokenInvalidIssuerException => "its issuer is not trusted",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "its signature does not verify",
        SecurityTokenInvalidAlgorithmException => "its signing algorithm is not accepted",
        SecurityTokenNoExpirationException => "it has no expiry",
        _ => "it is not a valid token",
    };
}

/// <summary>Needs a scope in the token; with no scope, anybody (the endpoint is configured public).</summary>
internal sealed class ScopeRequirement(string? scope) : IAuthorizationRequirement
{
    public string? Scope { get; } = scope;
}

internal sealed class ScopeHandler : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        if (requirement.Scope is null || Caller.From(context.User).HasScope(requirement.Scope))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>A 403 for a missing scope is problem+json naming the scope; challenges go to the bearer handler.</summary>
internal sealed class ProblemAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Forbidden)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        var scopes = policy.Requirements.OfType<ScopeRequirement>().Select(r => r.Scope).OfType<string>().ToList();
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "Scope missing",
                Detail = $"The token lacks the scope this operation needs: {string.Join(", ", scopes)}.",
                Type = "https://report-service/problems/scope-missing",
            },
        });
    }
}

/// <summary>The bearer scheme as the OpenAPI document names it.</summary>
internal static class BearerScheme
{
    public const string Id = "bearer";

    public const string Description = "An OAuth2 access token (JWT) from the government identity provider (client credentials). " +
        "Scopes (claim `scope`): `reports:write` to validate and write, `reports:read` to read report bodies. A writer's token also names " +
        "what it may write for: `credit_codes` (agency credit codes) and/or `region_prefixes` (region code prefixes, e.g. `44` for Guangdong).";
}
