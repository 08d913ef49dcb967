/*
 * layout-list.h - every bucket layout, once.  Included with FX_LAYOUT(name)
 * defined; the order is the order of "futexsim list --layouts".
 * No include guard on purpose.
 */
FX_LAYOUT(private)
FX_LAYOUT(pernode)
FX_LAYOUT(global)
FX_LAYOUT(liteos)
FX_LAYOUT(perfutex)
