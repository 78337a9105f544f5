using Microsoft.AspNetCore.Authorization;

namespace ReportService.Api.Infrastructure.Endpoints;

internal static class EndpointAuthorization
{
    /// <summary>
    /// Authorizes the endpoint with exactly one of the project's policies (ADR 6), in place of what
    /// FastEndpoints adds. FastEndpoints' own <c>Policies(...)</c> also adds a policy that requires an
    /// authenticated user, and without it FastEndpoints requires the default policy: either would turn away the
    /// anonymous callers that the public-data and public-reports settings admit. The policy alone decides.
    /// </summary>
    public static RouteHandlerBuilder RequirePolicy(this RouteHandlerBuilder builder, string policy)
    {
        builder.Add(endpoint => endpoint.Metadata.RemoveAll(m => m is IAuthorizeData or IAllowAnonymous));
        return builder.RequireAuthorization(policy);
    }

    private static void RemoveAll(this IList<object> metadata, Func<object, bool> match)
    {
        for (var i = metadata.Count - 1; i >= 0; i--)
        {
            if (match(metadata[i]))
            {
                metadata.RemoveAt(i);
            }
        }
    }
}
