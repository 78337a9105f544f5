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
var builder = WebApplication.CreateBuilder(args.Where(arg => arg != MigrateCommand.Argument).ToArray());

builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = RequestLimits.ReportBodyBytes);
builder.Services.ConfigureHttpJsonOptions(json => ReportJson.Configure(json.SerializerOptions));
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
