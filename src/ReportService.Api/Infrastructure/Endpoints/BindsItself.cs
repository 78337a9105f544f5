using FastEndpoints;

namespace ReportService.Api.Infrastructure.Endpoints;

/// <summary>
/// A request that reads itself from the HTTP request: report bodies are read by the project's own reader
/// (ADR 3: a size limit while reading, JSON-pointer-precise errors), never by FastEndpoints' JSON binder.
/// </summary>
internal interface IBindsItself<TSelf> where TSelf : IBindsItself<TSelf>
{
    static abstract ValueTask<TSelf> BindAsync(HttpContext context);
}

/// <summary>The FastEndpoints binder of an <see cref="IBindsItself{TSelf}"/> request.</summary>
internal sealed class BindsItself<TRequest> : IRequestBinder<TRequest> where TRequest : IBindsItself<TRequest>
{
    public ValueTask<TRequest> BindAsync(BinderContext ctx, CancellationToken ct) => TRequest.BindAsync(ctx.HttpContext);
}
