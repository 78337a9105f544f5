using System.Reflection;
using System.Text.Json;
using ReportService.Statutory.Model;

namespace ReportService.Statutory.Json;

/// <summary>Says in words what the contract expects at a pointer, for 400 responses.</summary>
internal static class ModelShape
{
    public static string Expectation(Type root, string pointer)
    {
        var type = Resolve(root, pointer);
        if (type is null)
        {
            return "a value of the type the contract gives for it";
        }

        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(int))
        {
            return $"a whole JSON number from {int.MinValue} to {int.MaxValue} (counts: 0 or more)";
        }

        if (type == typeof(decimal))
        {
            return "a JSON number";
        }

        if (type == typeof(string))
        {
            return "a JSON string";
        }

        if (type == typeof(DateOnly))
        {
            return "a date string yyyy-MM-dd";
        }

        if (type.IsEnum)
        {
            var names = Enum.GetNames(type).Select(n => "\"" + JsonNamingPolicy.CamelCase.ConvertName(n) + "\"");
            return "one of " + string.Join(", ", names);
        }

        return "a JSON object";
    }

    private static Type? Resolve(Type root, string pointer)
    {
        var type = root;
        foreach (var segment in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            var property = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .FirstOrDefault(p => string.Equals(JsonNamingPolicy.CamelCase.ConvertName(p.Name), segment, StringComparison.Ordinal));
            if (property is null)
            {
                return null;
            }

            type = property.PropertyType;
        }

        return type == typeof(Report) ? null : type;
    }
}
