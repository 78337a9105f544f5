using System.Globalization;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ReportService.Api.Infrastructure.Security;

/// <summary>
/// <c>--mint-token</c>: prints a development token signed with <c>Auth:SigningKey</c> and exits. For development,
/// tests and benchmarks; production tokens come from the identity provider.
/// <code>
/// ReportService.Api --mint-token --scope "reports:write reports:read" --region 44 --credit-code 11440000MB2C92873X
///                   [--subject alice] [--client demo-client] [--hours 8]
/// </code>
/// </summary>
internal static class MintTokenCommand
{
    public const string Argument = "--mint-token";

    private static readonly string[] Options = ["--scope", "--region", "--credit-code", "--subject", "--client", "--hours"];

    /// <summary>Splits the command's own arguments from the rest (which go to the configuration).</summary>
    public static (bool Requested, string[] Own, string[] Others) Split(string[] args)
    {
        if (!args.Contains(Argument))
        {
            return (false, [], args);
        }

        var own = new List<string>();
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == Argument)
            {
                continue;
            }

            if (Options.Contains(args[i]) && i + 1 < args.Length)
            {
                own.Add(args[i]);
                own.Add(args[++i]);
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        return (true, [.. own], [.. rest]);
    }

    public static int Run(AuthOptions auth, string[] own, TextWriter output, TextWriter error)
    {
        if (string.IsNullOrWhiteSpace(auth.SigningKey) || auth.SigningKey.Length < AuthOptions.MinimumSigningKeyLength)
        {
            error.WriteLine($"--mint-token needs Auth:SigningKey (at least {AuthOptions.MinimumSigningKeyLength} characters), e.g. the environment variable Auth__SigningKey.");
            return 2;
        }

        var values = new Dictionary<string, List<string>>();
        for (var i = 0; i + 1 < own.Length; i += 2)
        {
            (values.TryGetValue(own[i], out var list) ? list : values[own[i]] = []).Add(own[i + 1]);
        }

        string[] All(string option) => values.TryGetValue(option, out var list)
            ? [.. list.SelectMany(v => v.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries))]
            : [];
        string One(string option, string fallback) => values.TryGetValue(option, out var list) ? list[^1] : fallback;

        if (!double.TryParse(One("--hours", "8"), NumberStyles.Float, CultureInfo.InvariantCulture, out var hours) || hours <= 0)
        {
            error.WriteLine("--hours must be a positive number.");
            return 2;
        }

        var claims = new Dictionary<string, object>
        {
            ["sub"] = One("--subject", "developer"),
            ["client_id"] = One("--client", "development"),
            ["scope"] = string.Join(' ', All("--scope").DefaultIfEmpty(Scopes.Read)),
        };
        if (All("--credit-code") is { Length: > 0 } creditCodes)
        {
            claims[Scopes.CreditCodesClaim] = creditCodes;
        }

        if (All("--region") is { Length: > 0 } regions)
        {
            claims[Scopes.RegionPrefixesClaim] = regions;
        }

        var now = DateTime.UtcNow;
        output.WriteLine(Mint(auth, claims, now, now.AddHours(hours)));
        return 0;
    }

    /// <summary>A token signed with the development key (also used by the tests).</summary>
    public static string Mint(AuthOptions auth, IDictionary<string, object> claims, DateTime notBefore, DateTime expires) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = auth.EffectiveIssuer,
            Audience = auth.Audience,
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = expires,
            Claims = claims,
            SigningCredentials = new SigningCredentials(AuthSetup.SigningKey(auth.SigningKey!), SecurityAlgorithms.HmacSha256),
        });
}
