using FastEndpoints;

namespace ReportService.Api.Infrastructure.Endpoints;

/// <summary>
/// Binds a GET's request DTO from its route values, query and headers only. FastEndpoints would also read a
/// JSON body into it; a body on a GET means nothing here and is ignored, as it was before the move.
/// </summary>
internal sealed class QueryBinder<TRequest>() : RequestBinder<TRequest>(BindingSource.RouteValues | BindingSource.QueryParams | BindingSource.Headers)
    where TRequest : notnull;
