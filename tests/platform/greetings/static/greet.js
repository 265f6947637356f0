// The example domain's script, served by the platform at /static/greetings/greet.js.
export const greeting = "hello";
