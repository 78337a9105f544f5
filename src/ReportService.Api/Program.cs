using ReportService.Api.Features.Aggregates;
using ReportService.Api.Features.Regions;
using ReportService.Api.Features.Reports;
using ReportService.Api.Features.Rules;
using ReportService.Api.Infrastructure;
using ReportService.Api.Persistence;
using ReportService.Statutory.Json;
using ReportService.Statutory.Validation;

// `--migrate`: migrate the database and exit (the Helm migration Job); kept out of the configuration's arguments.
var migrateOnly = args.Contains(MigrateCommand.Argument);
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args.Where(arg => arg != MigrateCommand.Argument).ToArray(),
    // appsettings.json sits beside the binaries; a service started from another directory must still find it.
    ContentRootPath = File.Exists(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json")) ? null : AppContext.BaseDirectory,
});

builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = RequestLimits.ReportBodyBytes);
builder.Services.ConfigureHttpJsonOptions(json => ReportJson.Configure(json.SerializerOptions));
builder.Logging.Configure(logging => logging.ActivityTrackingOptions =
    ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
if (!builder.Environment.IsDevelopment())
{
    // One JSON object per line, with the trace and span ids of the request in its scopes.
    builder.Logging.ClearProviders().AddJsonConsole(json => json.IncludeScopes = true);
}

builder.Services.AddReportServiceTelemetry(builder.Configuration);
builder.Services.AddReportServiceProblemDetails();
builder.Services.AddReportServiceOpenApi();
builder.Services.AddReportsDatabase();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(_ => RegionDirectory.Load());
builder.Services.AddSingleton(services => new ReportValidator(
    services.GetRequiredService<TimeProvider>(), services.GetRequiredService<RegionDirectory>()));

var app = builder.Build();

if (migrateOnly)
{
    return await MigrateCommand.RunAsync(app);
}

app.UseReportServiceTelemetry();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseReportServiceOpenApi();

app.MapReportsEndpoints();
app.MapRulesEndpoints();
app.MapRegionsEndpoints();
app.MapAggregatesEndpoints();
app.MapHealthEndpoints();

app.Run();
return 0;
