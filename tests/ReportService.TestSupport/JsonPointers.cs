using System.Text.Json.Nodes;

namespace ReportService.TestSupport;

public static class JsonPointers
{
    public static JsonNode? Get(this JsonNode root, string pointer)
    {
        var node = root;
        foreach (var segment in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node?[segment];
        }

        return node;
    }

    public static JsonNode Set(this JsonNode root, string pointer, JsonNode? value)
    {
        var segments = pointer.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var parent = root;
        foreach (var segment in segments[..^1])
        {
            parent = parent[segment] ?? throw new ArgumentException($"No object at {segment} of {pointer}.", nameof(pointer));
        }

        parent[segments[^1]] = value;
        return root;
    }

    public static JsonNode RemoveAt(this JsonNode root, string pointer)
    {
        var segments = pointer.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var parent = root;
        foreach (var segment in segments[..^1])
        {
            parent = parent[segment]!;
        }

        parent.AsObject().Remove(segments[^1]);
        return root;
    }

    public static byte[] ToUtf8(this JsonNode node) => System.Text.Encoding.UTF8.GetBytes(node.ToJsonString());
}
