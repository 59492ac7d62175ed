using Microsoft.AspNetCore.Mvc;

namespace BulletinMail.Web;

/// <summary>
/// A request an editor's page cannot serve, answered with its status and one line saying why
/// (plain text: the status pages re-execute only for empty answers) instead of an exception's 500.
/// </summary>
internal static class Refusal
{
    public static ContentResult BadRequest(string message) => Text(StatusCodes.Status400BadRequest, message);

    public static ContentResult NotFound(string message) => Text(StatusCodes.Status404NotFound, message);

    public static ContentResult Conflict(string message) => Text(StatusCodes.Status409Conflict, message);

    private static ContentResult Text(int status, string message) =>
        new() { StatusCode = status, Content = message, ContentType = "text/plain; charset=utf-8" };
}
