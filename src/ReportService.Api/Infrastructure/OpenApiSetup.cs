using Microsoft.OpenApi;

namespace ReportService.Api.Infrastructure;

internal static class OpenApiSetup
{
    public const string DocumentName = "v1";

    public static IServiceCollection AddReportServiceOpenApi(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "ReportService",
                Version = "v1",
                Description = "政府信息公开工作年度报告 as checked data: submit, validate and query the statutory annual reports on government information disclosure.",
            });
            foreach (var assembly in new[] { typeof(Program).Assembly, typeof(ReportService.Statutory.Model.Report).Assembly })
            {
                var xml = Path.Combine(AppContext.BaseDirectory, assembly.GetName().Name + ".xml");
                if (File.Exists(xml))
                {
                    options.IncludeXmlComments(xml, includeControllerXmlComments: false);
                }
            }

            options.SupportNonNullableReferenceTypes();
            options.CustomSchemaIds(type => type.Name);
        });
        return services;
    }

    public static WebApplication UseReportServiceOpenApi(this WebApplication app)
    {
        app.UseSwagger(options => options.RouteTemplate = "openapi/{documentName}.json");
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint($"/openapi/{DocumentName}.json", "ReportService v1");
            options.RoutePrefix = "swagger";
        });
        return app;
    }
}
