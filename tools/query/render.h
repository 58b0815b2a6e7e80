/* render.h - nearwire-query's table views of the API's answers (parsed JSON). */
#ifndef NW_RENDER_H
#define NW_RENDER_H

#include <stdio.h>
#include <yajl/yajl_tree.h>

void render_article(FILE *out, yajl_val a);
void render_story(FILE *out, yajl_val s);
void render_stories(FILE *out, yajl_val s);
void render_match(FILE *out, yajl_val m);
void render_explain(FILE *out, yajl_val e);

#endif
