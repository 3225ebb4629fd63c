/**
 * Keeps a scroll container pinned to its end while content streams in, but only while the user is
 * there: scrolling up to read stops the following, scrolling back to the end resumes it.
 */
import {isScrolledToEnd} from "./dom";

export function followScrollEnd(scroller: HTMLElement, content: HTMLElement): void {
    let following = true;
    scroller.addEventListener("scroll", () => {
        following = isScrolledToEnd(scroller);
    }, {passive: true});
    new ResizeObserver(() => {
        if (following) scroller.scrollTop = scroller.scrollHeight;
    }).observe(content);
}
