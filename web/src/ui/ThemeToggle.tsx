import { useState } from "react";

type Theme = "system" | "light" | "dark";
const KEY = "framescope-theme";
const NEXT: Record<Theme, Theme> = { system: "light", light: "dark", dark: "system" };

function stored(): Theme {
  const v = localStorage.getItem(KEY);
  return v === "light" || v === "dark" ? v : "system";
}

/** Applies the saved theme to the page (call once before rendering). */
export function applyStoredTheme(): void {
  document.documentElement.dataset["theme"] = stored();
}

/** Cycles the colour theme: as the system says, light, dark. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(stored);
  const label = theme === "system" ? "◐ auto" : theme === "light" ? "☀ light" : "☾ dark";
  return (
    <button
      className="theme"
      title="Colour theme: auto (as the system), light or dark"
      onClick={() => {
        const next = NEXT[theme];
        localStorage.setItem(KEY, next);
        document.documentElement.dataset["theme"] = next;
        setTheme(next);
      }}
    >
      {label}
    </button>
  );
}
