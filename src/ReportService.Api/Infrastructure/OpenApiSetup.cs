using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using ReportService.Api.Infrastructure.OpenApi;

namespace ReportService.Api.Infrastructure;

internal static class OpenApiSetup
{
    public const string DocumentName = "v1";

    public static IServiceCollection AddReportServiceOpenApi(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSingleton<ContractExamples>();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "ReportService",
                Version = "v1",
                Description = "政府信息公开工作年度报告 as checked data: submit, validate and query the statutory annual reports on government information disclosure. " +
                    "Every error is an RFC 9457 `application/problem+json` with a `traceId`.",
                Contact = new OpenApiContact { Name = "ReportService maintainers" },
            });

            // The statutory labels live in the XML docs of both assemblies; both files are built by
            // GenerateDocumentationFile and copied next to the API (also by publish).
            foreach (var assembly in new[] { typeof(Program).Assembly, typeof(ReportService.Statutory.Model.Report).Assembly })
            {
                var xml = Path.Combine(AppContext.BaseDirectory, assembly.GetName().Name + ".xml");
                if (File.Exists(xml))
                {
                    options.IncludeXmlComments(xml, includeControllerXmlComments: false);
                }
            }

            options.AddSecurityDefinition(Security.BearerScheme.Id, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = Security.BearerScheme.Description,
            });
            options.SupportNonNullableReferenceTypes();
            options.CustomSchemaIds(type => type.Name);
            // OpenAPI 3.0 ignores siblings of $ref: wrap references in allOf so that properties keep their descriptions.
            options.UseAllOfToExtendReferenceSchemas();
            // Aggregate tables are built as JsonObject; ContractSchemaFilter gives them their shapes.
            options.MapType<JsonObject>(() => new OpenApiSchema { Type = JsonSchemaType.Object });
            options.SchemaFilter<ContractSchemaFilter>();
            options.OperationFilter<EndpointDefinitionFilter>();
            options.OperationFilter<ContractOperationFilter>();
            options.DocumentFilter<ContractDocumentFilter>();
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
